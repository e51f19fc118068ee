import AsyncHTTPClient
import AttendanceDomain
import Events
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// register-ingest and absence-detector as built binaries on a broker of the test's own and the real
/// PostgreSQL: a generated half-term for 300 pupils goes in over HTTP, and the detector's figures must
/// equal a recount from register-ingest's stored marks, pupil by pupil.
@Suite("absence-detector end to end", .serialized, .timeLimit(.minutes(6)))
struct DetectorPipelineTests {
    static let token = "pipeline-test-token"

    @Test func aGeneratedHalfTermGivesTheFiguresOfARecountAndACrashOrARebuildChangesNothing() async throws {
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let ingestSchema = TestEnvironment.uniqueSchema("pipe_ingest")
        let detectorSchema = TestEnvironment.uniqueSchema("pipe_detect")
        let referenceSchema = TestEnvironment.uniqueSchema("pipe_reference")
        let term = GeneratedTerm(seed: 11, schools: 3, pupilsPerSchool: 100, schoolDays: 30)
        let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)"])

        let ingestPort = TestEnvironment.freePort()
        let ingest = try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
            "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(ingestPort)", "INGEST_CONNECTOR_TOKEN": Self.token,
            "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 }).process
        defer { ingest.terminate() }
        let identity = try await TestIdentity.environment()
        func detectorEnvironment(_ schema: String, port: Int) -> [String: String] {
            base.merging(identity) { $1 }.merging(["POSTGRES_SCHEMA": schema, "HTTP_PORT": "\(port)",
                          "DETECTOR_CONSUMER_GROUP": "\(schema)-group"]) { $1 }
        }
        let detectorPort = TestEnvironment.freePort()
        var detector = try ServiceBinary.launchLogged("absence-detector", environment: detectorEnvironment(detectorSchema, port: detectorPort)).process
        defer { if detector.isRunning { kill(detector.processIdentifier, SIGKILL) } }
        #expect(try await ServiceBinary.waitUntilListening(port: ingestPort, process: ingest))
        #expect(try await ServiceBinary.waitUntilListening(port: detectorPort, process: detector))

        // Registers in date order, with amendments (N recoded I) two days later; the detector is killed
        // with SIGKILL halfway and restarted.
        let registers = term.registers()
        for (index, body) in registers.enumerated() {
            let status = try await Self.post(body, port: ingestPort)
            #expect(status == 200, "register \(index) answered \(status)")
            if index == registers.count / 2 {
                kill(detector.processIdentifier, SIGKILL)
                _ = await ServiceBinary.waitForExit(detector, seconds: 10)
                detector = try ServiceBinary.launchLogged("absence-detector", environment: detectorEnvironment(detectorSchema, port: detectorPort)).process
            }
        }
        // Sending every register again changes nothing.
        for body in registers.prefix(20) { _ = try await Self.post(body, port: ingestPort) }

        // A second detector reads the same topic from the start without interruption: the reference.
        let referencePort = TestEnvironment.freePort()
        let reference = try ServiceBinary.launchLogged("absence-detector", environment: detectorEnvironment(referenceSchema, port: referencePort)).process
        defer { if reference.isRunning { kill(reference.processIdentifier, SIGKILL) } }

        let recount = try await TestEnvironment.withPostgresKeepingSchema(schema: ingestSchema) { try await Self.recount($0) }
        #expect(recount.count == 300)
        let detected = try await Self.waitForFigures(schema: detectorSchema, expected: recount)
        #expect(detected == recount)
        let referenced = try await Self.waitForFigures(schema: referenceSchema, expected: recount)
        #expect(referenced == recount)

        // The same signals, none twice; plausible kinds present.
        let signals = try await Self.signals(schema: detectorSchema)
        let referenceSignals = try await Self.signals(schema: referenceSchema)
        #expect(signals.count == referenceSignals.count)
        #expect(Set(signals.map(\.id)) == Set(referenceSignals.map(\.id)))
        let kinds = Set(signals.map(\.kind))
        #expect(kinds.isSuperset(of: ["first_day_absence", "persistent_absence", "severe_absence"]))

        // The API shows one pupil's figures, as stored.
        let someone = try #require(recount.keys.sorted().first)
        let answer = try await Self.get("/v1/pupils/\(someone.upn)/attendance", port: detectorPort)
        #expect(answer.status == 200)
        #expect(answer.json["possibleSessions"] as? Int == recount[someone]?.possibleSessions)
        let summary = try await Self.get("/v1/summary", port: detectorPort)
        #expect(summary.status == 200)
        #expect(((summary.json["overall"] as? [String: Any])?["pupils"] as? Int) ?? 0 >= 300)

        // A school's lead sees their own school only; another school and its pupils are not found.
        let schoolToken = try await TestIdentity.token([.schoolLead], schools: [someone.school])
        let elsewhere = try #require(recount.keys.first { $0.school != someone.school })
        #expect(try await Self.get("/v1/pupils/\(someone.upn)/attendance", port: detectorPort, token: schoolToken).status == 200)
        #expect(try await Self.get("/v1/pupils/\(elsewhere.upn)/attendance", port: detectorPort, token: schoolToken).status == 404)
        #expect(try await Self.get("/v1/schools/\(someone.school)/summary", port: detectorPort, token: schoolToken).status == 200)
        #expect(try await Self.get("/v1/schools/\(elsewhere.school)/summary", port: detectorPort, token: schoolToken).status == 404)
        #expect(try await Self.get("/v1/summary", port: detectorPort, token: schoolToken).status == 403)
        #expect(try await Self.get("/v1/summary", port: detectorPort, token: "wrong").status == 401)

        // A rebuild from the topic, with the service stopped, arrives at the same figures and no new signal.
        detector.terminate()
        _ = await ServiceBinary.waitForExit(detector, seconds: 20)
        let (rebuild, output, _) = try ServiceBinary.launch("absence-detector", arguments: ["rebuild"], environment: detectorEnvironment(detectorSchema, port: detectorPort))
        #expect(await ServiceBinary.waitForExit(rebuild, seconds: 120))
        #expect(rebuild.terminationStatus == 0)
        #expect(output.text.contains("rebuilt"))
        let rebuilt = try await Self.figures(schema: detectorSchema)
        #expect(rebuilt == recount, "rebuilt \(rebuilt.count) pupils, \(rebuilt.values.map(\.possibleSessions).reduce(0, +)) possible; recount \(recount.values.map(\.possibleSessions).reduce(0, +))")
        #expect(try await Self.signals(schema: detectorSchema).count == signals.count)

        ingest.terminate()
        kill(reference.processIdentifier, SIGKILL)
        _ = await ServiceBinary.waitForExit(ingest, seconds: 20)
        try await TestEnvironment.withPostgres(schema: detectorSchema) { _ in }
        try await TestEnvironment.withPostgres(schema: referenceSchema) { _ in }
        try await TestEnvironment.withPostgres(schema: ingestSchema) { _ in }
    }

    struct Pupil: Hashable, Comparable {
        var school: String
        var upn: String
        static func < (lhs: Pupil, rhs: Pupil) -> Bool { (lhs.school, lhs.upn) < (rhs.school, rhs.upn) }
    }

    /// An independent recount: register-ingest's stored marks, summed with the code table.
    static func recount(_ postgres: PostgresClient) async throws -> [Pupil: AttendanceFigures] {
        let rows = try await postgres.query("SELECT school_urn, upn, code FROM marks", logger: TestEnvironment.logger)
        var figures: [Pupil: AttendanceFigures] = [:]
        for try await (school, upn, code) in rows.decode((String, String, String).self) {
            figures[Pupil(school: school, upn: upn), default: AttendanceFigures()].add(RegisterCodeTable.byCode[code]!)
        }
        return figures
    }

    static func figures(schema: String) async throws -> [Pupil: AttendanceFigures] {
        try await TestEnvironment.withPostgresKeepingSchema(schema: schema) { postgres in
            let rows = try await postgres.query("""
                SELECT school_urn, upn, possible_sessions, present, approved_educational_activity, authorised_absence, unauthorised_absence, not_counted
                FROM pupil_state
                """, logger: TestEnvironment.logger)
            var figures: [Pupil: AttendanceFigures] = [:]
            for try await (school, upn, possible, present, activity, authorised, unauthorised, notCounted)
                in rows.decode((String, String, Int, Int, Int, Int, Int, Int).self) {
                figures[Pupil(school: school, upn: upn)] = AttendanceFigures(
                    possibleSessions: possible, present: present, approvedEducationalActivity: activity,
                    authorisedAbsence: authorised, unauthorisedAbsence: unauthorised, notCounted: notCounted)
            }
            return figures
        }
    }

    /// Polls until the detector's figures equal `expected` (it is catching up), for at most two minutes.
    static func waitForFigures(schema: String, expected: [Pupil: AttendanceFigures]) async throws -> [Pupil: AttendanceFigures] {
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        var latest: [Pupil: AttendanceFigures] = [:]
        while ContinuousClock.now < deadline {
            latest = (try? await figures(schema: schema)) ?? [:]
            if latest == expected { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        return latest
    }

    static func signals(schema: String) async throws -> [(id: UUID, kind: String)] {
        try await TestEnvironment.withPostgresKeepingSchema(schema: schema) { postgres in
            let rows = try await postgres.query("SELECT event_id, kind FROM signals", logger: TestEnvironment.logger)
            var found: [(id: UUID, kind: String)] = []
            for try await (id, kind) in rows.decode((UUID, String).self) { found.append((id, kind)) }
            return found
        }
    }

    static func post(_ body: ByteBuffer, port: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/registers")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// A GET with this token, or an LA manager's.
    static func get(_ path: String, port: Int, token: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        let bearer = if let token { token } else { try await TestIdentity.manager() }
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

}
