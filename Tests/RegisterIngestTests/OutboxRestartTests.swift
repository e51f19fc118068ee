import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import NIOCore
import PostgresNIO
import Prometheus
@testable import RegisterIngest
import ServiceRuntime
import TestSupport
import Testing

@Suite("Registers accepted while the broker is away", .serialized, .timeLimit(.minutes(2)))
struct OutboxRestartTests {
    @Test func aRegisterPostedWhileTheBrokerIsDownIsPublishedOnceAfterARestart() async throws {
        let schema = TestEnvironment.uniqueSchema("restart")
        let port = TestEnvironment.freePort()
        let school = RegisterEndpointTests.school()
        let real = RegisterIngest.descriptor
        let descriptor = ServiceDescriptor(name: real.name, schema: schema, defaultHTTPPort: real.defaultHTTPPort, migrations: real.migrations, components: real.components)
        let env = TestEnvironment.serviceEnvironment(overrides: [
            "INGEST_CONNECTOR_TOKEN": RegisterEndpointTests.token, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(port)",
            "KAFKA_DELIVERY_TIMEOUT_MS": "2000", "INGEST_CONSUMER_GROUP": "restart-\(UUID())",
        ])
        @Sendable func app() throws -> some ApplicationProtocol {
            try ServiceApplication.make(descriptor, configuration: try ServiceConfiguration(environment: env, service: descriptor),
                                        environment: env, logger: TestEnvironment.logger, registry: PrometheusCollectorRegistry())
        }
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            // First life: no broker. The register is accepted; its event waits in the outbox.
            try await app().test(.router) { client in
                let (status, _) = try await RegisterEndpointTests.post(client, RegisterEndpointTests.register(school, marks: [(upn(1), "/"), (upn(2), "N")]))
                #expect(status == .ok)
                try await Task.sleep(for: .seconds(3))  // long enough for the relay to try and fail
            }
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", postgres) == 1)
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE attempts > 0", postgres) == 1)

            // The broker comes back; a restarted service publishes the event, once.
            let broker = try await TestBroker(port: port, topics: [TopicCatalogue.attendanceMarks.name, TopicCatalogue.misRegisters.name], logger: TestEnvironment.logger)
            defer { broker.stop() }
            try await app().test(.router) { _ in
                let deadline = ContinuousClock.now.advanced(by: .seconds(30))
                while try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", postgres) > 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(try await RegisterEndpointTests.count("SELECT count(*) FROM outbox WHERE published_at IS NULL", postgres) == 0)

            var configuration = KafkaConsumerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(port)", clientID: "tests"),
                                                           groupID: "restart-reader", topics: [TopicCatalogue.attendanceMarks.name])
            configuration.statisticsInterval = nil
            let reader = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
            var events: [KafkaMessage] = []
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while events.isEmpty, ContinuousClock.now < deadline { events += try await reader.nextBatch().messages }
            events += try await reader.nextBatch().messages
            await reader.close()
            #expect(events.count == 1)
            let recorded = try EventCodec.decode(MarksRecorded.self, from: try #require(events.first).value)
            #expect(recorded.data.schoolUrn == school && recorded.data.marks.count == 2)
        }
    }
}
