import AttendanceDomain
import Events
import Foundation
import ServiceRuntime
import Storage
import TestSupport
import Testing

/// The restore drill (README, Backup and restore): register-ingest and absence-detector (built binaries) take the first
/// half of a generated half-term; their schemas are dumped (`pg_dump`, what a nightly logical backup does); more
/// registers arrive; then the database is lost (the schemas dropped) and restored from the dump. The services restart
/// on the restored data, the MIS connectors send again what they sent since the backup (a register sent twice changes
/// nothing), and the detector's figures equal the recount of the stored marks, with the signals of a detector that read
/// the whole stream without interruption: nothing lost, nothing twice.
@Suite("backup and restore, mid-stream", .serialized, .timeLimit(.minutes(6)))
struct BackupRestoreTests {
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let postgres = TestEnvironment.postgres(schema: "public")
        process.environment = ProcessInfo.processInfo.environment.merging([
            "PGHOST": postgres.host, "PGPORT": String(postgres.port), "PGUSER": postgres.user, "PGPASSWORD": postgres.password, "PGDATABASE": postgres.database,
        ]) { $1 }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aRestoredDumpAndTheRegistersSentAgainLoseNothing() async throws {
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let ingestSchema = TestEnvironment.uniqueSchema("drill_ingest"), detectorSchema = TestEnvironment.uniqueSchema("drill_detect")
        let referenceSchema = TestEnvironment.uniqueSchema("drill_reference")
        let term = GeneratedTerm(seed: 31, schools: 3, pupilsPerSchool: 50, schoolDays: 20)
        let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)"])
            .merging(try await TestIdentity.environment()) { $1 }
        let ingestPort = TestEnvironment.freePort(), detectorPort = TestEnvironment.freePort()
        func ingest() throws -> Process {
            try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
                "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(ingestPort)", "INGEST_CONNECTOR_TOKEN": DetectorPipelineTests.token,
                "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 }).process
        }
        func detector(_ schema: String, port: Int) throws -> Process {
            try ServiceBinary.launchLogged("absence-detector", environment: base.merging([
                "POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(port)", "DETECTOR_CONSUMER_GROUP": "\(schema)-group"]) { $1 }).process
        }
        var running = [try ingest(), try detector(detectorSchema, port: detectorPort)]
        defer { for process in running where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(try await ServiceBinary.waitUntilListening(port: ingestPort, process: running[0]))
        #expect(try await ServiceBinary.waitUntilListening(port: detectorPort, process: running[1]))

        let registers = term.registers()
        let backupPoint = registers.count / 2, lossPoint = registers.count * 3 / 4
        for body in registers[..<backupPoint] { #expect(try await DetectorPipelineTests.post(body, port: ingestPort) == 200) }
        // The detector has caught up with what was sent so far when the backup is taken (a backup mid-batch is as good:
        // the offsets are in the same transactions as the state).
        let halfway = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await DetectorPipelineTests.recount($0) }
        #expect(try await DetectorPipelineTests.waitForFigures(schema: detectorSchema, expected: halfway) == halfway)
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("drill-\(UUID().uuidString).dump")
        defer { try? FileManager.default.removeItem(at: dump) }
        #expect(try Self.run("pg_dump", ["--format=custom", "--schema=\(ingestSchema)", "--schema=\(detectorSchema)", "--file=\(dump.path)"]) == 0)

        for body in registers[backupPoint..<lossPoint] { #expect(try await DetectorPipelineTests.post(body, port: ingestPort) == 200) }
        // The database is lost: the services stop, their schemas are gone; the dump is restored.
        for process in running { kill(process.processIdentifier, SIGKILL) }
        for process in running { _ = await ServiceBinary.waitForExit(process, seconds: 10) }
        try await TestEnvironment.withPostgres(schema: ingestSchema) { _ in }
        try await TestEnvironment.withPostgres(schema: detectorSchema) { _ in }
        #expect(try Self.run("pg_restore", ["--exit-on-error", "--dbname=\(TestEnvironment.postgres(schema: "public").database)", dump.path]) == 0)
        let restored = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await DetectorPipelineTests.recount($0) }
        #expect(restored == halfway, "the dump holds the backup point's marks")

        running = [try ingest(), try detector(detectorSchema, port: detectorPort)]
        #expect(try await ServiceBinary.waitUntilListening(port: ingestPort, process: running[0]))
        #expect(try await ServiceBinary.waitUntilListening(port: detectorPort, process: running[1]))
        // The connectors send again everything since the backup, then the rest of the term.
        for body in registers[backupPoint...] { #expect(try await DetectorPipelineTests.post(body, port: ingestPort) == 200) }

        let recount = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await DetectorPipelineTests.recount($0) }
        #expect(recount.count == 150)
        #expect(try await DetectorPipelineTests.waitForFigures(schema: detectorSchema, expected: recount) == recount)
        // A detector that read the whole stream from the start, without the loss: the same figures and the same signals.
        let referencePort = TestEnvironment.freePort()
        running.append(try detector(referenceSchema, port: referencePort))
        #expect(try await DetectorPipelineTests.waitForFigures(schema: referenceSchema, expected: recount) == recount)
        let signals = Set(try await DetectorPipelineTests.signals(schema: detectorSchema).map(\.id))
        let reference = Set(try await DetectorPipelineTests.signals(schema: referenceSchema).map(\.id))
        #expect(!signals.isEmpty && signals == reference, "\(signals.count) signals after the restore, \(reference.count) read without it")

        for process in running { process.terminate() }
        for process in running { _ = await ServiceBinary.waitForExit(process, seconds: 20) }
        for schema in [ingestSchema, detectorSchema, referenceSchema] { try await TestEnvironment.withPostgres(schema: schema) { _ in } }
    }
}
