import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Prometheus
import ServiceRuntime
import Storage
import TestSupport
import Testing

@Suite("/health, /ready and /metrics against the real PostgreSQL and broker", .serialized, .timeLimit(.minutes(2)))
struct ReadinessTests {
    func descriptor(schema: String) -> ServiceDescriptor {
        ServiceDescriptor(name: "readiness-test", schema: schema, defaultHTTPPort: 8099, migrations: [StandardTables.migration])
    }

    func readiness(_ client: some TestClientProtocol) async throws -> (HTTPResponse.Status, ReadinessReport) {
        try await client.execute(uri: "/ready", method: .get) { response in
            (response.status, try JSONDecoder().decode(ReadinessReport.self, from: Data(String(buffer: response.body).utf8)))
        }
    }

    /// Asks `/ready` until it answers `status`, for at most `seconds`.
    func waitForReadiness(_ client: some TestClientProtocol, status: HTTPResponse.Status, seconds: Int = 20) async throws -> ReadinessReport {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while true {
            let (answer, report) = try await readiness(client)
            if answer == status || ContinuousClock.now > deadline { return report }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    @Test func allThreeEndpointsAnswerWhenEverythingIsUp() async throws {
        let schema = TestEnvironment.uniqueSchema("ready")
        let configuration = try ServiceConfiguration(environment: TestEnvironment.serviceEnvironment(), service: descriptor(schema: schema))
        let app = try await ServiceApplication.make(descriptor(schema: schema), configuration: configuration, logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            let (status, report) = try await readiness(client)
            #expect(status == .ok)
            #expect(report.checks == ["postgres": "ok", "kafka": "ok", "service": "ok"])
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
        try await TestEnvironment.withPostgres(schema: schema) { client in
            // The service created its schema and applied its migrations before serving.
            let rows = try await client.query("SELECT count(*) FROM schema_migrations", logger: TestEnvironment.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test func losingPostgresTurnsReadinessTo503NamingItAndItRecovers() async throws {
        let forwarder = TCPForwarder(targetHost: TestEnvironment.postgresHost, targetPort: TestEnvironment.postgresPort)
        try await forwarder.start()
        let schema = TestEnvironment.uniqueSchema("ready")
        let env = TestEnvironment.serviceEnvironment(overrides: ["POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": String(forwarder.port)])
        let configuration = try ServiceConfiguration(environment: env, service: descriptor(schema: schema))
        let app = try await ServiceApplication.make(descriptor(schema: schema), configuration: configuration, logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            #expect(try await readiness(client).0 == .ok)

            await forwarder.stop()
            let down = try await waitForReadiness(client, status: .serviceUnavailable)
            #expect(down.down == ["postgres"])
            #expect(down.checks["kafka"] == "ok")
            #expect(down.checks["postgres"]?.hasPrefix("unreachable") == true)
            // Prometheus sees it too: service_ready is 0 while it is not ready.
            try await client.execute(uri: "/metrics", method: .get) { #expect(String(buffer: $0.body).contains("service_ready 0.0")) }
            // Still alive: an orchestrator must not restart it for this.
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }

            try await forwarder.start()
            let back = try await waitForReadiness(client, status: .ok)
            #expect(back.down == [])
            try await client.execute(uri: "/metrics", method: .get) { #expect(String(buffer: $0.body).contains("service_ready 1.0")) }
        }
        await forwarder.stop()
        try await TestEnvironment.withPostgres(schema: schema) { _ in }
    }

    /// A dependency call that never returns, even when cancelled (as a query sent on a connection that
    /// dies under it did in this suite), must not hold `/ready`: the report says so when the time is up.
    @Test func aCheckThatNeverAnswersIsReportedAtTheTimeout() async {
        struct NeverAnswers: ReadinessCheck {
            let name = "stuck"
            func check() async throws { await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } }
        }
        struct Answers: ReadinessCheck {
            let name = "fine"
            func check() async throws {}
        }
        let report = await ReadinessReport.run([NeverAnswers(), Answers()], timeout: .milliseconds(200))
        #expect(report.down == ["stuck"])
        #expect(report.checks["stuck"]?.hasPrefix("unreachable: no answer within") == true)
        #expect(report.checks["fine"] == "ok")
    }

    @Test func anUnreachableBrokerTurnsReadinessTo503NamingIt() async throws {
        let schema = TestEnvironment.uniqueSchema("ready")
        // Port 9 (discard) on loopback: nothing listens there.
        let env = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9"])
        let configuration = try ServiceConfiguration(environment: env, service: descriptor(schema: schema))
        let app = try await ServiceApplication.make(descriptor(schema: schema), configuration: configuration, logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let (status, report) = try await readiness(client)
            #expect(status == .serviceUnavailable)
            #expect(report.down == ["kafka"])
            #expect(report.checks["postgres"] == "ok")
        }
        try await TestEnvironment.withPostgres(schema: schema) { _ in }
    }

    @Test func aDependencyTheServiceCanDoWithoutForAWhileLeavesItReadyButDegraded() async throws {
        struct Optional: ReadinessCheck {
            let name = "kafka"
            let isRequired = false
            func check() async throws { throw ReadinessProbeDown() }
        }
        struct ReadinessProbeDown: Error {}
        let report = await ReadinessReport.run([Optional()], timeout: .milliseconds(200))
        #expect(report.isReady)
        #expect(report.status == "ready, degraded" && report.degraded == ["kafka"] && report.down.isEmpty)

        // A fatal problem reported by a component turns it unready, naming it.
        let health = ServiceHealth()
        health.markFatal("outbox relay: fatal: producer fenced")
        let fatal = await ReadinessReport.run([ServiceHealthCheck(health: health)], timeout: .milliseconds(200))
        #expect(!fatal.isReady && fatal.down == ["service"])
        #expect(fatal.checks["service"]?.contains("producer fenced") == true)
    }
}
