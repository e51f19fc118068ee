import AsyncHTTPClient
import AttendanceDomain
import Events
import Foundation
import Logging
import Messaging
import NIOCore
import PostgresNIO
import TestSupport
import Testing

/// A generated LA streamed through the built register-ingest and absence-detector, on a broker of the
/// test's own and the real PostgreSQL, for the fault suite: the test disturbs it, then ``verify()``
/// compares every pupil's figures with a recount of the marks register-ingest stored, and every signal id
/// with those of a detector that read the same topic from the start undisturbed.
struct FaultPipeline {
    struct Running {
        var process: Process
        let port: Int
        let log: URL
    }

    static let token = DetectorPipelineTests.token
    let broker: TestBroker
    let ingestSchema = TestEnvironment.uniqueSchema("fault_ingest")
    let detectorSchema = TestEnvironment.uniqueSchema("fault_detect")
    let referenceSchema = TestEnvironment.uniqueSchema("fault_reference")
    let term: GeneratedTerm
    let base: [String: String]
    var ingests: [Running] = []
    var detectors: [Running] = []

    /// - Parameter marksPartitions: partitions of `attendance.marks` (each school's events stay on one).
    init(seed: UInt64, ingests: Int = 1, detectors: Int = 1, marksPartitions: Int = 1, extra: [String: String] = [:]) async throws {
        let topics = TopicCatalogue.allTopics.map { ($0.name, $0.name == TopicCatalogue.attendanceMarks.name ? marksPartitions : 1) }
        broker = try await TestBroker(port: TestEnvironment.freePort(), topics: topics, logger: TestEnvironment.logger)
        term = GeneratedTerm(seed: seed, schools: 4, pupilsPerSchool: 40, schoolDays: 20)
        base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)"])
            .merging(try await TestIdentity.environment()) { $1 }.merging(extra) { $1 }
        for _ in 0..<ingests { self.ingests.append(try launchIngest(port: TestEnvironment.freePort())) }
        for _ in 0..<detectors { self.detectors.append(try launchDetector(schema: detectorSchema, port: TestEnvironment.freePort())) }
        for service in self.ingests + self.detectors {
            #expect(try await ServiceBinary.waitUntilListening(port: service.port, process: service.process))
        }
    }

    func launchIngest(port: Int) throws -> Running {
        let (process, log) = try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
            "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(port)", "INGEST_CONNECTOR_TOKEN": Self.token,
            "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 })
        return Running(process: process, port: port, log: log)
    }

    func launchDetector(schema: String, port: Int) throws -> Running {
        let (process, log) = try ServiceBinary.launchLogged("absence-detector", environment: base.merging([
            "POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(port)",
            "DETECTOR_CONSUMER_GROUP": "\(schema)-group"]) { $1 })
        return Running(process: process, port: port, log: log)
    }

    /// SIGKILL, then the same service started again on the same port.
    mutating func crashAndRestartIngest(_ index: Int) async throws {
        kill(ingests[index].process.processIdentifier, SIGKILL)
        _ = await ServiceBinary.waitForExit(ingests[index].process, seconds: 10)
        ingests[index] = try launchIngest(port: ingests[index].port)
        #expect(try await ServiceBinary.waitUntilListening(port: ingests[index].port, process: ingests[index].process))
    }

    mutating func crashAndRestartDetector(_ index: Int) async throws {
        kill(detectors[index].process.processIdentifier, SIGKILL)
        _ = await ServiceBinary.waitForExit(detectors[index].process, seconds: 10)
        detectors[index] = try launchDetector(schema: detectorSchema, port: detectors[index].port)
    }

    /// Posts every register in order, spreading them over the register-ingest instances in turn (a
    /// register and its amendment may go to different instances); `during` runs before register `index`.
    /// Every register must be accepted: a refusal or a connection error fails the test.
    mutating func stream(during: (inout FaultPipeline, Int) async throws -> Void = { _, _ in }) async throws {
        let registers = term.registers()
        for (index, body) in registers.enumerated() {
            try await during(&self, index)
            let port = ingests[index % ingests.count].port
            let status = try await Self.postRetrying(body, port: port)
            #expect(status == 200, "register \(index) answered \(status)")
        }
    }

    /// Posts as a connector does: a refused connection (an instance restarting) or a 5xx (PostgreSQL
    /// restarting) is tried again, for up to a minute. Returns the last status.
    static func postRetrying(_ body: ByteBuffer, port: Int) async throws -> Int {
        var status = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var attempt = 0
        while ContinuousClock.now < deadline {
            status = (try? await DetectorPipelineTests.post(body, port: port)) ?? 0
            if status != 0 && status < 500 { break }
            attempt += 1
            try await Task.sleep(for: .milliseconds(100 * min(attempt, 10)))
        }
        return status
    }

    /// Compares the detector's figures with the recount and its signals with an undisturbed detector's:
    /// 0 marks lost, 0 counted twice, 0 signals missing or duplicated (in the table and on the topic).
    func verify() async throws {
        let recount = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await DetectorPipelineTests.recount($0) }
        #expect(recount.count == term.schools * term.pupilsPerSchool)
        let detected = try await DetectorPipelineTests.waitForFigures(schema: detectorSchema, expected: recount)
        let differing = recount.keys.filter { detected[$0] != recount[$0] }
        #expect(differing.isEmpty, "\(differing.count) pupils differ from the recount, \(detected.count) pupils detected")

        let reference = try launchDetector(schema: referenceSchema, port: TestEnvironment.freePort())
        defer { kill(reference.process.processIdentifier, SIGKILL) }
        let referenced = try await DetectorPipelineTests.waitForFigures(schema: referenceSchema, expected: recount)
        #expect(referenced == recount, "the undisturbed detector agrees with the recount")
        let signals = try await DetectorPipelineTests.signals(schema: detectorSchema)
        let expected = try await waitForSignals(schema: referenceSchema, count: signals.count)
        #expect(!expected.isEmpty)
        #expect(signals.count == expected.count, "signals: \(signals.count) stored, \(expected.count) by the undisturbed detector")
        #expect(Set(signals.map(\.id)) == Set(expected.map(\.id)))
        // What reached the topic: every signal, each once (a relay crash may send one again; the inbox absorbs that).
        let published = try await publishedSignalIDs(atLeast: Set(expected.map(\.id)))
        #expect(Set(published) == Set(signals.map(\.id)), "\(Set(published).count) distinct signals on the topic")
    }

    private func waitForSignals(schema: String, count: Int) async throws -> [(id: UUID, kind: String)] {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var found: [(id: UUID, kind: String)] = []
        while ContinuousClock.now < deadline {
            found = try await DetectorPipelineTests.signals(schema: schema)
            if found.count >= count { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        return found
    }

    /// The event ids on `attendance.signals` (both detectors publish there), read until `expected` are all seen.
    private func publishedSignalIDs(atLeast expected: Set<UUID>) async throws -> [UUID] {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(broker.port)", clientID: "fault-tests"),
            groupID: "fault-\(UUID())", topics: [TopicCatalogue.attendanceSignals.name])
        configuration.statisticsInterval = nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: TestEnvironment.logger)
        var ids: [UUID] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline, !expected.isSubset(of: Set(ids)) {
            ids += try await consumer.nextBatch().messages.compactMap { message in
                message.header("event-id").flatMap { UUID(uuidString: $0.stringValue) }
            }
        }
        await consumer.close()
        return ids
    }

    /// What a service's log says, for assertions on what it reported.
    static func log(_ running: Running) -> String { (try? String(contentsOf: running.log, encoding: .utf8)) ?? "" }

    func stop() async {
        for service in ingests + detectors { service.process.terminate() }
        for service in ingests + detectors { _ = await ServiceBinary.waitForExit(service.process, seconds: 20) }
        for service in ingests + detectors where service.process.isRunning { kill(service.process.processIdentifier, SIGKILL) }
        broker.stop()
        for schema in [ingestSchema, detectorSchema, referenceSchema] {
            try? await TestEnvironment.withPostgres(schema: schema) { _ in }
        }
    }
}
