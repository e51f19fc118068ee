import AsyncHTTPClient
import Foundation
import NIOCore
import PostgresNIO
import TestSupport
import Testing

/// The fault suite: each case streams a generated LA through the built services, disturbs them, and
/// ends by comparing the detector's figures with a recount of the stored marks and its signals with an
/// undisturbed detector's. It restarts the shared PostgreSQL, so `deploy/local/test` runs it on its own,
/// after the rest (`swift test --filter FaultTests`).
@Suite("Fault suite: nothing lost, nothing counted twice", .serialized, .timeLimit(.minutes(10)))
struct FaultTests {
    @Test func eachServiceKilledMidStreamAndRestarted() async throws {
        var pipeline = try await FaultPipeline(seed: 21)
        let count = pipeline.term.registers().count
        try await pipeline.stream { pipeline, index in
            if index == count / 3 { try await pipeline.crashAndRestartIngest(0) }
            if index == 2 * count / 3 { try await pipeline.crashAndRestartDetector(0) }
        }
        try await pipeline.verify()
        await pipeline.stop()
    }

    @Test func postgresRestartedMidStreamIsRecoveredWithoutARestart() async throws {
        var pipeline = try await FaultPipeline(seed: 22)
        let count = pipeline.term.registers().count
        try await pipeline.stream { _, index in
            if index == count / 2 { try await Self.crashPostgres() }
        }
        try await pipeline.verify()
        for service in pipeline.ingests + pipeline.detectors { #expect(service.process.isRunning, "recovered without a restart") }
        await pipeline.stop()
    }

    @Test func aDetectorFrozenPastItsSessionIsFencedOutWhileAnotherTakesOver() async throws {
        // Two detectors of one group share the partitions; one is frozen (SIGSTOP) past its session timeout,
        // the other takes its partitions over; let go (SIGCONT), the first must not overwrite anything.
        var pipeline = try await FaultPipeline(seed: 23, detectors: 2, marksPartitions: 4)
        let count = pipeline.term.registers().count
        let frozen = pipeline.detectors[0].process.processIdentifier
        var frozenAt: ContinuousClock.Instant?
        try await pipeline.stream { _, index in
            if index == count / 4 {
                kill(frozen, SIGSTOP)
                frozenAt = .now
            }
            if index == 3 * count / 4, let frozenAt {
                // Past the 10 s session timeout and the rebalance that follows.
                try await Task.sleep(until: frozenAt.advanced(by: .seconds(20)))
                kill(frozen, SIGCONT)
            }
        }
        try await pipeline.verify()
        let log = FaultPipeline.log(pipeline.detectors[0])
        print("[fault] frozen detector's log mentions fencing: \(log.contains("another instance owns the partitions now"))")
        await pipeline.stop()
    }

    @Test func twoIngestInstancesUnderRacingAmendmentsKeepEachSessionsOrder() async throws {
        var pipeline = try await FaultPipeline(seed: 24, ingests: 2)
        try await pipeline.stream()
        // Then the same sessions again, each register and an amended copy of it sent together to the two
        // instances: whichever commits last is stored, and the detector must end on that code.
        let registers = pipeline.term.registers().prefix(60)
        let ports = pipeline.ingests.map(\.port)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, register) in registers.enumerated() {
                let amended = ByteBuffer(string: String(buffer: register).replacingOccurrences(of: #""code":"/""#, with: #""code":"N""#))
                group.addTask { try await FaultPipeline.postRetrying(register, port: ports[index % 2]) }
                group.addTask { try await FaultPipeline.postRetrying(amended, port: ports[(index + 1) % 2]) }
                if index % 4 == 3 {
                    for _ in 0..<8 { if let status = try await group.next() { #expect(status == 200) } }
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        try await pipeline.verify()
        await pipeline.stop()
    }

    @Test func aPoisonOutboxRowIsParkedAndEverythingElseIsPublished() async throws {
        var pipeline = try await FaultPipeline(seed: 25)
        let count = pipeline.term.registers().count
        let poison = UUID()
        try await pipeline.stream { pipeline, index in
            if index == count / 2 {
                // Over the broker's 1 MB message limit, on a key of its own: refused every time.
                try await TestEnvironment.withPostgresKeepingSchema(schema: pipeline.ingestSchema) { postgres in
                    try await postgres.query("""
                        INSERT INTO outbox (event_id, topic, message_key, payload)
                        VALUES (\(poison), 'attendance.marks', '999999', decode(repeat('41', 1200000), 'hex'))
                        """, logger: TestEnvironment.logger)
                }
            }
        }
        try await pipeline.verify()
        let ingest = pipeline.ingests[0]
        let parked = try await TestEnvironment.withPostgresKeepingSchema(schema: pipeline.ingestSchema) { postgres in
            let rows = try await postgres.query("SELECT parked_at IS NOT NULL, attempts FROM outbox WHERE event_id = \(poison)", logger: TestEnvironment.logger)
            for try await row in rows.decode((Bool, Int).self) { return row }
            return (false, 0)
        }
        #expect(parked.0 && parked.1 == 5, "parked after 5 attempts: \(parked)")
        let metrics = await ServiceBinary.status(of: HTTPClientRequest(url: "http://127.0.0.1:\(ingest.port)/metrics"))
        let text = metrics.map { String(decoding: $0.1, as: UTF8.self) } ?? ""
        #expect(text.contains("outbox_parked_rows 1"), "the gauge shows the parked row")
        #expect(text.contains("outbox_pending_rows 0"), "nothing else waits")
        let log = FaultPipeline.log(ingest)
        #expect(log.contains("parked") && log.contains(poison.uuidString.lowercased()) || log.contains(poison.uuidString), "the log names the event")
        #expect(!log.contains("AAAAAAAA"), "never the payload")
        await pipeline.stop()
    }

    @Test func theBrokerFrozenForThirtySecondsLosesNothingAndRegistersAreStillAccepted() async throws {
        var pipeline = try await FaultPipeline(seed: 26)
        let count = pipeline.term.registers().count
        let broker = pipeline.broker.processIdentifier
        var frozenAt: ContinuousClock.Instant?
        try await pipeline.stream { pipeline, index in
            if index == count / 3 {
                kill(broker, SIGSTOP)
                frozenAt = .now
            }
            if index == count / 3 + 40, let frozenAt {
                // Registers were accepted meanwhile (the stream requires 200); register-ingest says it is
                // ready but degraded, the detector (whose work is consuming) that it is not ready.
                let ingestReady = await ServiceBinary.status(of: HTTPClientRequest(url: "http://127.0.0.1:\(pipeline.ingests[0].port)/ready"))
                #expect(ingestReady?.0 == 200)
                #expect(ingestReady.map { String(decoding: $0.1, as: UTF8.self) }?.contains(#""degraded":["kafka"]"#) == true)
                #expect(await ServiceBinary.status(of: "http://127.0.0.1:\(pipeline.detectors[0].port)/ready") == 503)
                try await Task.sleep(until: frozenAt.advanced(by: .seconds(30)))
                kill(broker, SIGCONT)
            }
        }
        try await pipeline.verify()
        await pipeline.stop()
    }

    /// PostgreSQL crashes and restarts itself, as after `pg_ctl restart -m immediate`: a server process killed
    /// (SIGKILL) makes the postmaster end every other one, cut every connection, and run crash recovery.
    static func crashPostgres() async throws {
        let killed = try await TestEnvironment.withPostgresKeepingSchema(schema: "public") { postgres in
            let rows = try await postgres.query("SELECT pg_backend_pid()", logger: TestEnvironment.logger)
            var backend: Int32 = 0
            for try await pid in rows.decode(Int32.self) { backend = pid }
            return backend > 0 && kill(backend, SIGKILL) == 0  // while its connection is open: the pid is still its
        }
        #expect(killed)
        // Back once a new connection answers (recovery takes about a second here).
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            let answered = try? await TestEnvironment.withPostgresKeepingSchema(schema: "public") { postgres in
                try await postgres.query("SELECT 1", logger: TestEnvironment.logger)
                return true
            }
            if answered == true { return }
        }
        Issue.record("PostgreSQL did not come back within a minute")
    }
}
