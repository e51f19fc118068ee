import AsyncHTTPClient
import Events
import Foundation
import NIOHTTP1
import Messaging
import PostgresNIO
import TestSupport
import Testing

/// The register-ingest binary killed (SIGKILL) after the database commit and before the publish.
@Suite("Registers committed but not yet published when the process dies", .serialized, .timeLimit(.minutes(3)))
struct OutboxRestartTests {
    @Test func aRegisterCommittedBeforeACrashIsPublishedOnceAfterTheRestartAndNeverAgain() async throws {
        let schema = TestEnvironment.uniqueSchema("restart")
        let brokerPort = TestEnvironment.freePort()
        let httpPort = TestEnvironment.freePort()
        let school = RegisterEndpointTests.school()
        let environment = TestEnvironment.serviceEnvironment(overrides: [
            "POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(httpPort)", "INGEST_CONNECTOR_TOKEN": RegisterEndpointTests.token,
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(brokerPort)", "KAFKA_DELIVERY_TIMEOUT_MS": "2000",
            "INGEST_CONSUMER_GROUP": "restart-\(UUID())", "STARTUP_TIMEOUT_SECONDS": "30",
        ])
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            func pending() async throws -> Int {
                try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", postgres)
            }
            // First life, no broker: the register is committed, the relay cannot publish, the process is killed.
            let first = try ServiceBinary.launchLogged("register-ingest", environment: environment).process
            #expect(try await ServiceBinary.waitUntilListening(port: httpPort, process: first))
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/v1/registers")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(RegisterEndpointTests.token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(RegisterEndpointTests.register(school, marks: [(upn(1), "/"), (upn(2), "N")]))
            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(answer.status == .ok)
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE attempts > 0", postgres) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await pending() == 1)
            kill(first.processIdentifier, SIGKILL)
            _ = await ServiceBinary.waitForExit(first, seconds: 10)

            // The broker is back; the restarted process publishes the committed event.
            let broker = try await TestBroker(port: brokerPort, topics: [TopicCatalogue.attendanceMarks.name, TopicCatalogue.misRegisters.name],
                                              logger: TestEnvironment.logger)
            defer { broker.stop() }
            let second = try ServiceBinary.launchLogged("register-ingest", environment: environment).process
            #expect(try await ServiceBinary.waitUntilListening(port: httpPort, process: second))
            let published = ContinuousClock.now.advanced(by: .seconds(30))
            while try await pending() > 0, ContinuousClock.now < published { try await Task.sleep(for: .milliseconds(200)) }
            #expect(try await pending() == 0)
            kill(second.processIdentifier, SIGKILL)
            _ = await ServiceBinary.waitForExit(second, seconds: 10)

            // A third life after the publish sends nothing again.
            let third = try ServiceBinary.launchLogged("register-ingest", environment: environment).process
            #expect(try await ServiceBinary.waitUntilListening(port: httpPort, process: third))
            try await Task.sleep(for: .seconds(1))
            third.terminate()
            _ = await ServiceBinary.waitForExit(third, seconds: 20)

            var configuration = KafkaConsumerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(brokerPort)", clientID: "tests"),
                                                           groupID: "restart-reader", topics: [TopicCatalogue.attendanceMarks.name])
            configuration.statisticsInterval = nil
            let reader = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
            var events: [KafkaMessage] = []
            let read = ContinuousClock.now.advanced(by: .seconds(20))
            while events.isEmpty, ContinuousClock.now < read { events += try await reader.nextBatch().messages }
            events += try await reader.nextBatch().messages
            await reader.close()
            #expect(events.count == 1)
            let recorded = try EventCodec.decode(MarksRecorded.self, from: try #require(events.first).value)
            #expect(recorded.data.schoolUrn == school && recorded.data.marks.count == 2)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM marks", postgres) == 2)
        }
    }

}
