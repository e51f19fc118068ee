import AttendanceDomain
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import NIOCore
import PostgresNIO
import Prometheus
@testable import RegisterIngest
import ServiceRuntime
import Storage
import TestSupport
import Testing

@Suite("POST /v1/registers against the real PostgreSQL and broker", .serialized, .timeLimit(.minutes(2)))
struct RegisterEndpointTests {
    static let token = "test-connector-token"

    /// register-ingest as it runs, in a schema of the test's own.
    func withService(extraEnvironment: [String: String] = [:], _ body: @Sendable (any TestClientProtocol, PostgresClient, String) async throws -> Void) async throws {
        let schema = TestEnvironment.uniqueSchema("ingest")
        let real = RegisterIngest.descriptor
        let descriptor = ServiceDescriptor(name: real.name, schema: schema, defaultHTTPPort: real.defaultHTTPPort,
                                           migrations: real.migrations, components: real.components)
        // A consumer group of its own: instances of other tests must not rebalance this one.
        let own = ["INGEST_CONNECTOR_TOKEN": Self.token, "INGEST_CONSUMER_GROUP": "ingest-test-\(UUID())"]
        let env = TestEnvironment.serviceEnvironment(overrides: own.merging(extraEnvironment) { $1 })
        let configuration = try ServiceConfiguration(environment: env, service: descriptor)
        let app = try await ServiceApplication.make(descriptor, configuration: configuration, environment: env, logger: TestEnvironment.logger,
                                              registry: PrometheusCollectorRegistry())
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await app.test(.router) { client in try await body(client, postgres, schema) }
        }
    }

    static func school() -> String { String(Int.random(in: 900_000...999_999)) }

    static func register(_ school: String, date: String = "2026-09-07", session: String = "AM", marks: [(String, String)]) -> ByteBuffer {
        let list = marks.map { #"{"upn": "\#($0.0)", "code": "\#($0.1)"}"# }.joined(separator: ",")
        return ByteBuffer(string: #"{"schoolUrn": "\#(school)", "date": "\#(date)", "session": "\#(session)", "marks": [\#(list)]}"#)
    }

    static func post(_ client: some TestClientProtocol, _ body: ByteBuffer, token: String? = token, contentType: String = "application/json") async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: "/v1/registers", method: .post, headers: headers, body: body) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
            return (response.status, object)
        }
    }

    static func count(_ sql: String, _ postgres: PostgresClient) async throws -> Int {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: TestEnvironment.logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    @Test func aRegisterIsStoredAndPublishedOnceResentChangesNothingAndAnAmendmentPublishesOneEvent() async throws {
        let school = Self.school()
        try await withService { client, postgres, _ in
            let marks = [(upn(1), "/"), (upn(2), "L"), (upn(3), "N")]
            let (first, firstBody) = try await Self.post(client, Self.register(school, marks: marks))
            #expect(first == .ok)
            #expect(firstBody["accepted"] as? Int == 3 && firstBody["unchanged"] as? Int == 0 && firstBody["amended"] as? Int == 0)

            let (again, againBody) = try await Self.post(client, Self.register(school, marks: marks))
            #expect(again == .ok)
            #expect(againBody["accepted"] as? Int == 0 && againBody["unchanged"] as? Int == 3)

            let (amended, amendedBody) = try await Self.post(client, Self.register(school, marks: [(upn(1), "/"), (upn(2), "L"), (upn(3), "I")]))
            #expect(amended == .ok)
            #expect(amendedBody["amended"] as? Int == 1 && amendedBody["unchanged"] as? Int == 2)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)' AND code = 'I'", postgres) == 1)

            // The relay publishes the outbox: wait until it is empty.
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while try await Self.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", postgres) > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await Self.count("SELECT count(*) FROM outbox WHERE message_key = '\(school)'", postgres) == 2)
        }

        // On the topic: exactly the recorded register and the one amendment, keyed by the school.
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "tests"),
            groupID: "ingest-test-\(UUID())", topics: [TopicCatalogue.attendanceMarks.name])
        configuration.statisticsInterval = nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
        var ours: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ours.count < 2, ContinuousClock.now < deadline {
            ours += try await consumer.nextBatch().messages.filter { $0.keyString == school }
        }
        ours += try await consumer.nextBatch().messages.filter { $0.keyString == school }
        await consumer.close()
        #expect(ours.count == 2)
        let recorded = try EventCodec.decode(MarksRecorded.self, from: try #require(ours.first).value)
        #expect(recorded.type == MarksRecorded.type)
        #expect(recorded.data.marks.map(\.code) == ["/", "L", "N"])
        #expect(recorded.data.date == "2026-09-07" && recorded.data.session == "AM")
        let amendment = try EventCodec.decode(MarksAmended.self, from: try #require(ours.last).value)
        #expect(amendment.data.amendments == [MarksAmended.Amendment(upn: upn(3), previousCode: "N", code: "I")])
    }

    @Test func anInvalidRegisterIsRefusedWholeWithEveryErrorAndNothingStored() async throws {
        let school = Self.school()
        try await withService { client, postgres, _ in
            let (status, body) = try await Self.post(client, Self.register(school, marks: [(upn(1), "/"), (upn(2), "H"), ("A801200005001", "N")]))
            #expect(status == .unprocessableContent)
            let errors = try #require(body["errors"] as? [[String: Any]])
            #expect(errors.count == 2)
            #expect(errors.contains { $0["location"] as? String == "marks[1].code" && $0["value"] as? String == "H"
                && $0["reason"] as? String == "code H was withdrawn on 19 August 2024; use C" })
            #expect(errors.contains { $0["location"] as? String == "marks[2].upn" })
            // Scoped to the school: the service's mis.registers feed may store other tests' registers meanwhile.
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)'", postgres) == 0)
            #expect(try await Self.count("SELECT count(*) FROM outbox WHERE message_key = '\(school)'", postgres) == 0)

            let (notJSON, notJSONBody) = try await Self.post(client, ByteBuffer(string: "{marks"))
            #expect(notJSON == .badRequest)
            #expect((notJSONBody["errors"] as? [[String: Any]])?.first?["location"] as? String == "body")
            let (wrongType, _) = try await Self.post(client, ByteBuffer(string: "x"), contentType: "text/plain")
            #expect(wrongType == .unsupportedMediaType)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await withService(extraEnvironment: ["INGEST_MAX_BODY_BYTES": "1024"]) { client, postgres, _ in
            let marks = (1...60).map { (upn($0), "/") }
            let school = Self.school()
            let (status, _) = try await Self.post(client, Self.register(school, marks: marks))
            #expect(status == .contentTooLarge)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)'", postgres) == 0)
        }
    }

    @Test func tokensAreCheckedAndASchoolTokenWritesOnlyItsOwnSchool() async throws {
        let own = Self.school(), other = Self.school()
        try await withService { client, postgres, _ in
            try await postgres.query(
                "INSERT INTO access_tokens (token_sha256, school_urn, label) VALUES (\(ConnectorTokens.hash("school-token")), \(own), 'test-school')",
                logger: TestEnvironment.logger)
            #expect(try await Self.post(client, Self.register(own, marks: [(upn(1), "/")]), token: nil).0 == .unauthorized)
            #expect(try await Self.post(client, Self.register(own, marks: [(upn(1), "/")]), token: "wrong").0 == .unauthorized)
            #expect(try await Self.post(client, Self.register(other, marks: [(upn(1), "/")]), token: "school-token").0 == .forbidden)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn IN ('\(own)', '\(other)')", postgres) == 0)
            #expect(try await Self.post(client, Self.register(own, marks: [(upn(1), "/")]), token: "school-token").0 == .ok)
        }
    }

    @Test func aCSVFileCarriesManyRegisters() async throws {
        let school = Self.school()
        try await withService { client, postgres, _ in
            let csv = """
                school_urn,date,session,upn,code,minutes_late
                \(school),2026-09-07,AM,\(upn(1)),/,
                \(school),2026-09-07,AM,\(upn(2)),L,10
                \(school),2026-09-07,PM,\(upn(1)),"\\",
                """
            let (status, body) = try await Self.post(client, ByteBuffer(string: csv), contentType: "text/csv")
            #expect(status == .ok)
            #expect(body["registers"] as? Int == 2 && body["accepted"] as? Int == 3)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE minutes_late = 10", postgres) == 1)
            // Through COPY (each session's first register): the backslash code and "no minutes" stored as sent.
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)' AND code = '\\'", postgres) == 1)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)' AND minutes_late IS NULL", postgres) == 2)
        }
    }

    @Test func aSingleMarkIsAmendedWithPatch() async throws {
        let school = Self.school()
        try await withService { client, postgres, _ in
            #expect(try await Self.post(client, Self.register(school, marks: [(upn(1), "N"), (upn(2), "/")])).0 == .ok)
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(Self.token)"]
            let path = "/v1/registers/\(school)/2026-09-07/AM/marks/\(upn(1))"
            let amended = try await client.execute(uri: path, method: .patch, headers: headers, body: ByteBuffer(string: #"{"code": "I"}"#)) { $0.status }
            #expect(amended == .ok)
            #expect(try await Self.count("SELECT count(*) FROM marks WHERE school_urn = '\(school)' AND code = 'I'", postgres) == 1)
            #expect(try await Self.count("SELECT count(*) FROM outbox WHERE message_key = '\(school)'", postgres) == 2)
            let withdrawn = try await client.execute(uri: path, method: .patch, headers: headers, body: ByteBuffer(string: #"{"code": "H"}"#)) { response in
                (response.status, String(buffer: response.body))
            }
            #expect(withdrawn.0 == .unprocessableContent)
            #expect(withdrawn.1.contains("use C"))
            let missing = try await client.execute(uri: "/v1/registers/\(school)/2026-09-08/AM/marks/\(upn(1))", method: .patch, headers: headers,
                                                   body: ByteBuffer(string: #"{"code": "I"}"#)) { $0.status }
            #expect(missing == .notFound)
        }
    }
}
