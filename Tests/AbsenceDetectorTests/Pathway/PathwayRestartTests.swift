import AttendanceDomain
import Events
import Foundation
import Messaging
import PostgresNIO
import TestSupport
import Testing

/// The pathway-coordinator binary killed (SIGKILL) after it committed a case, restarted, and sent the same
/// signal again: one case, one chronology entry for the signal.
@Suite("pathway-coordinator across a crash", .serialized, .timeLimit(.minutes(3)))
struct PathwayRestartTests {
    @Test func aSignalRedeliveredAcrossASigkillStillGivesOneCaseAndOneEntry() async throws {
        let schema = TestEnvironment.uniqueSchema("pathway_restart")
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let httpPort = TestEnvironment.freePort()
        let environment = TestEnvironment.serviceEnvironment(overrides: [
            "POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(httpPort)", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)",
            "PATHWAY_CONSUMER_GROUP": "restart-\(UUID())", "STARTUP_TIMEOUT_SECONDS": "30",
        ]).merging(try await TestIdentity.environment()) { $1 }
        var configuration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(broker.port)", clientID: "restart-tests"))
        configuration.deliveryTimeout = .seconds(20)
        let producer = try KafkaProducer(configuration: configuration, logger: TestEnvironment.logger)
        let school = AccessFixture.school(), upn = AccessFixture.upn(Int.random(in: 1...999_999))
        @Sendable func send(_ kind: AttendanceSignal.Kind, id: UUID) async throws {
            let signal = AttendanceSignal(kind: kind, schoolUrn: school, upn: upn, academicYear: "2026/27", asOf: "2026-11-20 AM",
                                          reason: "attendance 85.0% ≤ 90.0%", figures: PathwayHarness.figures)
            let envelope = EventEnvelope(id: id, type: AttendanceSignal.type, schemaVersion: AttendanceSignal.version, source: "tests", key: school, data: signal)
            try await producer.send(KafkaOutgoingMessage(topic: TopicCatalogue.attendanceSignals.name, key: school, value: try EventCodec.encode(envelope)))
        }
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            let first = try ServiceBinary.launchLogged("pathway-coordinator", environment: environment).process
            #expect(try await ServiceBinary.waitUntilReady(port: httpPort, process: first) == 200)
            let signal = UUID()
            try await send(.persistentAbsence, id: signal)
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM cases WHERE upn = '\(upn)'", postgres))
            kill(first.processIdentifier, SIGKILL)
            _ = await ServiceBinary.waitForExit(first, seconds: 10)

            let second = try ServiceBinary.launchLogged("pathway-coordinator", environment: environment).process
            #expect(try await ServiceBinary.waitUntilReady(port: httpPort, process: second) == 200)
            try await send(.persistentAbsence, id: signal)
            // A later signal marks the point by which the repeat has been consumed.
            try await send(.firstDayAbsence, id: UUID())
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM chronology WHERE entry_type = 'signal'", postgres))
            #expect(try await AccessFixture.count("SELECT count(*) FROM cases WHERE upn = '\(upn)'", postgres) == 1)
            #expect(try await AccessFixture.count("SELECT count(*) FROM chronology WHERE source_event = '\(signal)'", postgres) == 1)
            #expect(try await AccessFixture.count("SELECT count(*) FROM chronology", postgres) == 2)
            #expect(try await AccessFixture.count("SELECT count(*) FROM checklist_items WHERE stage = 2", postgres) == PathwayStage.identifyAndUnderstand.checklist.count)
            second.terminate()
            #expect(await ServiceBinary.waitForExit(second, seconds: 20))
        }
        await producer.shutdown()
    }
}
