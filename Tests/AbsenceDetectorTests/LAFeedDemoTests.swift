import AsyncHTTPClient
import Events
import Foundation
import ServiceRuntime
import TestSupport
import Testing

/// The demo's path on real parts: `la-feed` streams a small synthetic LA's first 30 school days of the summer term (with the May Day bank holiday and half-term) to register-ingest
/// (built binary, own broker, real PostgreSQL); the detector applies it; la-feed's summary must agree with
/// the pupil API and the generator (it exits 1 otherwise), and the worklist and signal routes must answer
/// what the pupil API and the signals say, scoped to the token.
@Suite("the demo's LA feed end to end", .serialized, .timeLimit(.minutes(6)))
struct LAFeedDemoTests {
    static let token = "la-feed-test-token"

    @Test func aStreamedTermGivesASummaryThatAgreesWithThePupilAPIAndTheGenerator() async throws {
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let ingestSchema = TestEnvironment.uniqueSchema("feed_ingest"), detectorSchema = TestEnvironment.uniqueSchema("feed_detect")
        let base = TestEnvironment.serviceEnvironment(overrides: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)"])
        let ingestPort = TestEnvironment.freePort(), detectorPort = TestEnvironment.freePort()
        let ingest = try ServiceBinary.launchLogged("register-ingest", environment: base.merging([
            "POSTGRES_SCHEMA": ingestSchema, "HTTP_PORT": "\(ingestPort)", "INGEST_CONNECTOR_TOKEN": Self.token,
            "INGEST_CONSUMER_GROUP": "\(ingestSchema)-feed"]) { $1 }).process
        defer { ingest.terminate() }
        let detectorEnvironment = base.merging(try await TestIdentity.environment()) { $1 }.merging([
            "POSTGRES_SCHEMA": detectorSchema, "HTTP_PORT": "\(detectorPort)", "DETECTOR_CONSUMER_GROUP": "\(detectorSchema)-group"]) { $1 }
        let manager = try await TestIdentity.manager()
        let detector = try ServiceBinary.launchLogged("absence-detector", environment: detectorEnvironment).process
        defer { detector.terminate() }
        #expect(try await ServiceBinary.waitUntilListening(port: ingestPort, process: ingest))
        #expect(try await ServiceBinary.waitUntilListening(port: detectorPort, process: detector))

        let (feed, output, errors) = try ServiceBinary.launch("la-feed", arguments: [
            "--seed", "3", "--schools", "3", "--pupils", "150", "--days", "30", "--pace", "fast", "--wait-seconds", "120",
            "--ingest", "http://127.0.0.1:\(ingestPort)", "--detector", "http://127.0.0.1:\(detectorPort)",
        ], environment: ["INGEST_CONNECTOR_TOKEN": Self.token, "DETECTOR_LA_TOKEN": manager])
        #expect(await ServiceBinary.waitForExit(feed, seconds: 240))
        let printed = output.text
        #expect(feed.terminationStatus == 0, "la-feed: \(errors.text)\n\(printed)")
        #expect(printed.contains("the worklist's figures = GET /v1/pupils/{upn}/attendance = the generator's own count"), "\(printed)")
        #expect(printed.contains("First-day absences on 2026-06-01"))

        // The worklists: every row's figures are the pupil API's, in its band, and the bands add up to the summary.
        let get = { (path: String, token: String?) in try await DetectorPipelineTests.get(path, port: detectorPort, token: token) }
        let overall = try #require(try await get("/v1/summary?academicYear=2025/26", manager).json["overall"] as? [String: Any])
        var counted = 0
        for (band, range) in [("severe", 0.0...50.0), ("persistent", 50.0...90.0), ("below_threshold", 90.0...100.0)] {
            let list = try await get("/v1/pupils?band=\(band)&limit=1000", manager)
            #expect(list.status == 200)
            let rows = try #require(list.json["pupils"] as? [[String: Any]])
            #expect(rows.count == list.json["total"] as? Int)
            counted += rows.count
            for row in rows.prefix(25) {
                let upn = try #require(row["upn"] as? String)
                let pupil = try await get("/v1/pupils/\(upn)/attendance", manager).json
                for field in ["possibleSessions", "present", "authorisedAbsence", "unauthorisedAbsence"] {
                    #expect(pupil[field] as? Int == row[field] as? Int, "\(upn) \(field)")
                }
                #expect(pupil["band"] as? String == band)
                #expect(range.contains(try #require(row["attendanceRate"] as? Double)))
            }
        }
        #expect(counted == overall["judgedPupils"] as? Int)
        let severe = try await get("/v1/pupils?band=severe&limit=1000", manager).json["total"] as? Int ?? -1
        let persistent = try await get("/v1/pupils?band=persistent&limit=1000", manager).json["total"] as? Int ?? -1
        #expect(severe + persistent == overall["persistentAbsence"] as? Int)

        // The last day's first-day absences: each about that day, of that kind; the counts add up.
        let firstDay = try await get("/v1/signals?date=2026-06-01&kind=first_day_absence&limit=1000", manager).json
        let signals = try #require(firstDay["signals"] as? [[String: Any]])
        #expect(!signals.isEmpty)
        #expect(signals.count == firstDay["total"] as? Int)
        #expect(signals.allSatisfy { ($0["asOf"] as? String)?.hasPrefix("2026-06-01") == true && $0["kind"] as? String == "first_day_absence" })
        let byKind = try #require(firstDay["byKind"] as? [String: Int])
        #expect(byKind["first_day_absence"] == signals.count)
        let allSignals = try await get("/v1/signals?limit=0", manager).json
        #expect((allSignals["byKind"] as? [String: Int])?.values.reduce(0, +) == allSignals["total"] as? Int)
        #expect((allSignals["signals"] as? [Any])?.isEmpty == true)

        // A school's lead reads their own school's worklist and signals only; another school is not found.
        let school = try #require(signals.first?["schoolUrn"] as? String)
        let schoolToken = try await TestIdentity.token([.schoolLead], schools: [school])
        let own = try await get("/v1/schools/\(school)/pupils?band=persistent", schoolToken)
        #expect(own.status == 200)
        #expect((own.json["pupils"] as? [[String: Any]])?.allSatisfy { $0["schoolUrn"] as? String == school } == true)
        let ownSignals = try await get("/v1/schools/\(school)/signals?date=2026-06-01", schoolToken)
        #expect(ownSignals.status == 200)
        #expect((ownSignals.json["signals"] as? [[String: Any]])?.allSatisfy { $0["schoolUrn"] as? String == school } == true)
        let other = school == "100300" ? "100301" : "100300"  // seed 3: schools 100300 to 100302
        #expect(try await get("/v1/schools/\(other)/pupils?band=severe", schoolToken).status == 404)
        #expect(try await get("/v1/schools/\(other)/signals", schoolToken).status == 404)
        #expect(try await get("/v1/pupils?band=severe", schoolToken).status == 403)
        #expect(try await get("/v1/signals", schoolToken).status == 403)
        #expect(try await get("/v1/signals", "wrong").status == 401)

        // Bad parameters are refused with the parameter's name.
        for (path, field) in [("/v1/pupils?band=worst", "band"), ("/v1/pupils", "band"), ("/v1/pupils?band=severe&limit=0", "limit"),
                              ("/v1/pupils?band=severe&academicYear=2025", "academicYear"), ("/v1/signals?date=2026-13-01", "date"),
                              ("/v1/signals?kind=truancy", "kind"), ("/v1/signals?limit=1001", "limit")] {
            let answer = try await get(path, manager)
            #expect(answer.status == 400, "\(path)")
            #expect((answer.json["error"] as? String)?.hasPrefix(field + ":") == true, "\(path): \(answer.json)")
        }

        ingest.terminate()
        detector.terminate()
        _ = await ServiceBinary.waitForExit(ingest, seconds: 20)
        _ = await ServiceBinary.waitForExit(detector, seconds: 20)
        for schema in [ingestSchema, detectorSchema] { try await TestEnvironment.withPostgres(schema: schema) { _ in } }
    }
}
