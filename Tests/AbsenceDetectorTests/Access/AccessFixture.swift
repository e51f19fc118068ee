@testable import AbsenceDetector
import AttendanceDomain
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Prometheus
@testable import MeetingScheduler
@testable import NotificationService
@testable import PathwayCoordinator
@testable import RegisterIngest
import ServiceRuntime
import TestSupport

/// register-ingest and absence-detector in this process (their real descriptors, schemas of their own) on a
/// broker of the test's own, with the tests' identity provider: what the access tests call.
struct AccessFixture {
    static let connectorToken = "access-test-connector"

    struct Running: Sendable {
        let ingest: any TestClientProtocol
        let detector: any TestClientProtocol
        let ingestPostgres: PostgresClient
        let detectorPostgres: PostgresClient
        let ingestSchema: String
        let detectorSchema: String
        /// pathway-coordinator, notification and meeting-scheduler, when asked for.
        let others: [any TestClientProtocol]
        /// The test's own broker, for messages a test sends itself.
        let brokerPort: Int
    }

    static func withServices(everyService: Bool = false, _ body: @Sendable (Running) async throws -> Void) async throws {
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let ingestSchema = TestEnvironment.uniqueSchema("access_ingest"), detectorSchema = TestEnvironment.uniqueSchema("access_detect")
        let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)"])
            .merging(try await TestIdentity.environment()) { $1 }
        let ingestApp = try await app(RegisterIngest.descriptor, schema: ingestSchema, environment: base.merging([
            "INGEST_CONNECTOR_TOKEN": connectorToken, "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 })
        let detectorApp = try await app(AbsenceDetector.descriptor, schema: detectorSchema, environment: base.merging([
            "DETECTOR_CONSUMER_GROUP": "\(detectorSchema)-group"]) { $1 })
        try await TestEnvironment.withPostgres(schema: ingestSchema) { ingestPostgres in
            try await TestEnvironment.withPostgres(schema: detectorSchema) { detectorPostgres in
                try await ingestApp.test(.router) { ingest in
                    try await detectorApp.test(.router) { detector in
                        try await withOthers(everyService ? [PathwayCoordinator.descriptor, NotificationService.descriptor, MeetingScheduler.descriptor] : [],
                                             environment: base, clients: []) { others in
                            try await body(Running(ingest: ingest, detector: detector, ingestPostgres: ingestPostgres, detectorPostgres: detectorPostgres,
                                                   ingestSchema: ingestSchema, detectorSchema: detectorSchema, others: others, brokerPort: broker.port))
                        }
                    }
                }
            }
        }
    }

    /// Starts each descriptor's app in a schema of its own, one inside the other, and runs `body` with their clients.
    static func withOthers(_ descriptors: [ServiceDescriptor], environment: [String: String], clients: [any TestClientProtocol],
                           _ body: @Sendable ([any TestClientProtocol]) async throws -> Void) async throws {
        guard let first = descriptors.first else { return try await body(clients) }
        let schema = TestEnvironment.uniqueSchema("access_other")
        let other = try await app(first, schema: schema, environment: environment)
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await other.test(.router) { client in
                // The LA's connector token, stored here too, so that a connector can be tried on every service.
                try await postgres.query("""
                    INSERT INTO access_tokens (token_sha256, la_wide, label, expires_at) VALUES (\(ConnectorTokens.hash(connectorToken)), true, 'walk', now() + interval '1 day')
                    """, logger: TestEnvironment.logger)
                try await withOthers(Array(descriptors.dropFirst()), environment: environment, clients: clients + [client], body)
            }
        }
    }

    static func app(_ real: ServiceDescriptor, schema: String, environment: [String: String]) async throws -> some ApplicationProtocol {
        let descriptor = ServiceDescriptor(name: real.name, schema: schema, defaultHTTPPort: real.defaultHTTPPort, migrations: real.migrations,
                                           readyWithoutBroker: real.readyWithoutBroker, components: real.components)
        let configuration = try ServiceConfiguration(environment: environment, service: descriptor)
        return try await ServiceApplication.make(descriptor, configuration: configuration, environment: environment, logger: TestEnvironment.logger,
                                                 registry: PrometheusCollectorRegistry())
    }

    struct Answer {
        let status: Int
        let text: String
        let headers: HTTPFields
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Answer(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
        }
    }

    static func count(_ sql: String, _ postgres: PostgresClient) async throws -> Int {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: sql), logger: TestEnvironment.logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    /// Polls until `sql` counts at least `atLeast`, for at most 30 seconds.
    static func waitFor(_ sql: String, atLeast: Int = 1, _ postgres: PostgresClient) async throws -> Bool {
        for _ in 0..<150 {
            if try await count(sql, postgres) >= atLeast { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Polls a service's GET until `check` holds (30 seconds at most); the last answer.
    @discardableResult
    static func until(_ client: any TestClientProtocol, _ path: String, token: String, _ check: (Answer) -> Bool) async throws -> Answer {
        var answer = try await call(client, .get, path, token: token)
        for _ in 0..<150 where !check(answer) {
            try await Task.sleep(for: .milliseconds(200))
            answer = try await call(client, .get, path, token: token)
        }
        return answer
    }

    /// A valid UPN: check letter, LA 801, the serial's digits.
    static func upn(_ serial: Int) -> String {
        let body = "801" + String(format: "%09d", serial)
        return String(UPN.checkLetter(for: Array(body))!) + body
    }

    static func school() -> String { String(Int.random(in: 600_000...699_999)) }
}
