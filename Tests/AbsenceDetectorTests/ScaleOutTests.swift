import AsyncHTTPClient
import AttendanceDomain
import Events
import Foundation
import NIOCore
import ServiceRuntime
import TestSupport
import Testing

/// Scale-out, shown: two instances each of register-ingest and absence-detector (built binaries) on one broker with the
/// catalogue's partition counts and the real PostgreSQL, one schema per service shared by its instances. The partitions
/// are split between the two detectors (their logs show it); halfway through a generated half-term one instance of each
/// is killed with SIGKILL; the figures still equal the recount of the stored marks, pupil by pupil.
@Suite("two instances of each, one killed", .serialized, .timeLimit(.minutes(6)))
struct ScaleOutTests {
    /// The partitions of attendance.marks in each "partitions assigned" line of a log.
    static func assignments(_ log: URL) -> [Set<Int>] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("partitions assigned") }.map { line in
            Set(line.matches(of: /attendance\.marks\[(\d+)\]/).compactMap { Int($0.output.1) })
        }.filter { !$0.isEmpty }
    }

    @Test func twoOfEachSplitThePartitionsAndLosingOneOfEachLosesNothing() async throws {
        let topics = TopicCatalogue.eventTopics.map { (name: $0.name, partitions: $0.partitions) }
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: topics, logger: TestEnvironment.logger)
        defer { broker.stop() }
        let ingestSchema = TestEnvironment.uniqueSchema("scale_ingest"), detectorSchema = TestEnvironment.uniqueSchema("scale_detect")
        let term = GeneratedTerm(seed: 23, schools: 4, pupilsPerSchool: 60, schoolDays: 20)
        let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)", "LOG_LEVEL": "info"])
            .merging(try await TestIdentity.environment()) { $1 }
        func ingest() throws -> (process: Process, port: Int) {
            let port = TestEnvironment.freePort()
            let process = try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
                "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(port)", "INGEST_CONNECTOR_TOKEN": DetectorPipelineTests.token,
                "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 }).process
            return (process, port)
        }
        func detector() throws -> (process: Process, port: Int, log: URL) {
            let port = TestEnvironment.freePort()
            let (process, log) = try ServiceBinary.launchLogged("absence-detector", environment: base.merging([
                "POSTGRES_SCHEMA": detectorSchema, "HTTP_PORT": "\(port)", "DETECTOR_CONSUMER_GROUP": "\(detectorSchema)-group"]) { $1 })
            return (process, port, log)
        }
        // The first of each starts alone (it migrates the schema), the second joins.
        let ingestA = try ingest()
        #expect(try await ServiceBinary.waitUntilListening(port: ingestA.port, process: ingestA.process))
        let ingestB = try ingest()
        let detectorA = try detector()
        #expect(try await ServiceBinary.waitUntilListening(port: detectorA.port, process: detectorA.process))
        let detectorB = try detector()
        let everyone = [ingestA.process, ingestB.process, detectorA.process, detectorB.process]
        defer { for process in everyone where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(try await ServiceBinary.waitUntilListening(port: ingestB.port, process: ingestB.process))
        #expect(try await ServiceBinary.waitUntilListening(port: detectorB.port, process: detectorB.process))

        // Both detectors hold part of attendance.marks, and between them all of it.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var split = false
        while !split && ContinuousClock.now < deadline {
            if let a = Self.assignments(detectorA.log).last, let b = Self.assignments(detectorB.log).last {
                split = !a.isEmpty && !b.isEmpty && a.isDisjoint(with: b) && a.union(b) == Set(0..<TopicCatalogue.attendanceMarks.partitions)
            }
            if !split { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(split, "A: \(Self.assignments(detectorA.log)), B: \(Self.assignments(detectorB.log))")

        // Registers alternate between the two ingest instances; halfway, one of each is killed.
        let registers = term.registers()
        var ports = [ingestA.port, ingestB.port]
        for (index, body) in registers.enumerated() {
            if index == registers.count / 2 {
                kill(ingestB.process.processIdentifier, SIGKILL)
                kill(detectorA.process.processIdentifier, SIGKILL)
                ports = [ingestA.port]
            }
            let status = try await DetectorPipelineTests.post(body, port: ports[index % ports.count])
            #expect(status == 200, "register \(index) answered \(status)")
        }
        let recount = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await DetectorPipelineTests.recount($0) }
        #expect(recount.count == 240)
        // The surviving ingest instance reports when each school's last register came (for the per-school alert).
        let metrics = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(ingestA.port)/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await metrics.body.collect(upTo: 1 << 22))
        for school in Set(recount.keys.map(\.school)) {
            #expect(text.contains("ingest_last_register_timestamp_seconds{school=\"\(school)\"}"), "no series for school \(school)")
        }
        let detected = try await DetectorPipelineTests.waitForFigures(schema: detectorSchema, expected: recount)
        #expect(detected == recount, "\(detected.count) pupils detected, \(recount.count) recounted")
        // The survivor took over every partition.
        #expect(Self.assignments(detectorB.log).reduce(Set<Int>()) { $0.union($1) } == Set(0..<TopicCatalogue.attendanceMarks.partitions))

        for process in [ingestA.process, detectorB.process] { process.terminate() }
        for process in [ingestA.process, detectorB.process] { _ = await ServiceBinary.waitForExit(process, seconds: 20) }
        try await TestEnvironment.withPostgres(schema: detectorSchema) { _ in }
        try await TestEnvironment.withPostgres(schema: ingestSchema) { _ in }
    }
}
