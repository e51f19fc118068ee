@testable import AbsenceDetector
import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import Messaging
import PostgresNIO
import TestSupport
import Testing

/// Watches: what the pathway asks on `attendance.watches` and what the detector answers.
struct WatchTests {
    static let key = PupilKey(school: SignalRulesTests.school, upn: SignalRulesTests.pupil)

    /// A pupil's state after one code per session from the first school day.
    static func pupil(_ codes: [String], days: [SchoolDate]) -> PupilState {
        var engine = DetectorEngine(settings: .dfeDefaults)
        SignalRulesTests.feed(&engine, codes, days: days, logger: Logger(label: "tests"))
        return engine.pupils[key]!
    }

    @Test func aWatchIsBreachedByTheFirstSessionPastTheLimitAndEndsWithTheWindowsFigures() throws {
        let days = SignalRulesTests.schoolDays(10)
        let watch = Watch(id: "W-1", key: Self.key, from: days[2], to: days[6], maxUnauthorisedSessions: 2, minAttendancePercent: 90)
        // Before the window: unauthorised, not counted. In it: G, O (the limit), then U: the breach.
        var codes = Array(repeating: "/", count: 20)
        codes[0] = "G"; codes[1] = "G"
        codes[4] = "G"; codes[7] = "O"
        #expect(watch.evaluate(Self.pupil(Array(codes.prefix(12)), days: days)).isEmpty)
        codes[9] = "U"
        let breached = watch.evaluate(Self.pupil(Array(codes.prefix(12)), days: days))
        #expect(breached.count == 1)
        guard case .breached(let entry)? = breached.first else { Issue.record("no breach"); return }
        #expect(entry.session == Session(date: days[4], half: .pm) && entry.code.code == "U")
        // A session after the window is marked: it ends, not kept (3 unauthorised; attendance 7 of 10 = 70%).
        var noted = watch
        noted.breached = true
        let ended = noted.evaluate(Self.pupil(Array(codes.prefix(16)), days: days))
        let figures = AttendanceFigures(codes: codes[4...13].map { RegisterCodeTable.byCode[$0]! })
        #expect(ended == [.ended(figures, met: false)])
        let signals = noted.signals(ended, pupil: Self.pupil(Array(codes.prefix(16)), days: days))
        #expect(signals.first?.kind == .watchEnded && signals.first?.watchId == "W-1" && signals.first?.watchMet == false)
        #expect(signals.first?.figures.possibleSessions == 10 && signals.first?.windowStart == days[2].iso)
    }

    @Test func aWatchKeptIsMetAndTheAttendanceFloorCounts() {
        let days = SignalRulesTests.schoolDays(10)
        var codes = Array(repeating: "/", count: 20)
        codes[4] = "I"  // authorised: within the unauthorised limit of 0, but attendance 9 of 10 = 90%
        let pupil = Self.pupil(codes, days: days)
        let kept = Watch(id: "W-2", key: Self.key, from: days[2], to: days[6], maxUnauthorisedSessions: 0, minAttendancePercent: 90)
        #expect(kept.evaluate(pupil) == [.ended(AttendanceFigures(codes: codes[4...13].map { RegisterCodeTable.byCode[$0]! }), met: true)])
        let stricter = Watch(id: "W-3", key: Self.key, from: days[2], to: days[6], maxUnauthorisedSessions: 0, minAttendancePercent: 95)
        #expect(stricter.evaluate(pupil).first.map { if case .ended(_, let met) = $0 { met } else { true } } == false)
    }

    @Test func theDetectorAnswersAWatchSentOnTheTopicForMarksBeforeAndAfterIt() async throws {
        try await AccessFixture.withServices { services in
            let school = AccessFixture.school(), upn = AccessFixture.upn(Int.random(in: 1...999_999))
            let days = SignalRulesTests.schoolDays(6, from: SchoolDate(iso: "2026-11-02")!)
            func post(_ day: SchoolDate, _ session: String, _ code: String) async throws {
                let body = #"{"schoolUrn": "\#(school)", "date": "\#(day.iso)", "session": "\#(session)", "marks": [{"upn": "\#(upn)", "code": "\#(code)"}]}"#
                let answer = try await AccessFixture.call(services.ingest, .post, "/v1/registers", token: AccessFixture.connectorToken, body: body)
                #expect(answer.status == 200, "\(answer.text)")
            }
            // Marks already in when the watch arrives: two G in the window (limit 1), then a day after it.
            for (day, code) in [(days[0], "/"), (days[1], "G"), (days[2], "G"), (days[3], "/")] { try await post(day, "AM", code) }
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_state WHERE upn = '\(upn)' AND possible_sessions = 4", services.detectorPostgres))
            var configuration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: "127.0.0.1:\(services.brokerPort)", clientID: "watch-test"))
            configuration.deliveryTimeout = .seconds(20)
            let producer = try KafkaProducer(configuration: configuration, logger: TestEnvironment.logger)
            func send(_ request: AttendanceWatchRequested) async throws {
                let envelope = EventEnvelope(type: AttendanceWatchRequested.type, schemaVersion: 1, source: "pathway-coordinator", key: school, data: request)
                try await producer.send(KafkaOutgoingMessage(topic: TopicCatalogue.attendanceWatches.name, key: school, value: try EventCodec.encode(envelope)))
            }
            try await send(AttendanceWatchRequested(watchId: "NTI-1", schoolUrn: school, upn: upn, from: days[1].iso, to: days[2].iso, maxUnauthorisedSessions: 1))
            // Answered at once, from the stored marks: breached (the second G) and ended (day 4 is marked).
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM signals WHERE upn = '\(upn)' AND kind IN ('watch_breached', 'watch_ended')", atLeast: 2, services.detectorPostgres))
            // A watch over days still to come is answered by the marks handler as they arrive.
            try await send(AttendanceWatchRequested(watchId: "CONTRACT-1", schoolUrn: school, upn: upn, from: days[4].iso, to: days[4].iso, maxUnauthorisedSessions: 0))
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM watches WHERE watch_id = 'CONTRACT-1'", services.detectorPostgres))
            try await post(days[4], "AM", "O")
            try await post(days[5], "AM", "/")
            #expect(try await AccessFixture.waitFor("""
                SELECT count(*) FROM signals WHERE upn = '\(upn)' AND payload::jsonb #>> '{data,watchId}' = 'CONTRACT-1'
                """, atLeast: 2, services.detectorPostgres))
            let answers = try await services.detectorPostgres.query("""
                SELECT kind, payload::jsonb #>> '{data,watchId}', payload::jsonb #>> '{data,asOf}', coalesce(payload::jsonb #>> '{data,watchMet}', '') FROM signals
                WHERE upn = \(upn) AND kind LIKE 'watch_%' ORDER BY payload::jsonb #>> '{data,watchId}', kind
                """, logger: TestEnvironment.logger)
            var rows: [String] = []
            for try await (kind, id, asOf, met) in answers.decode((String, String, String, String).self) { rows.append("\(id) \(kind) \(asOf) \(met)") }
            #expect(rows == ["CONTRACT-1 watch_breached \(days[4].iso) AM ", "CONTRACT-1 watch_ended \(days[4].iso) PM false",
                             "NTI-1 watch_breached \(days[2].iso) AM ", "NTI-1 watch_ended \(days[2].iso) PM false"])
            // Each answered once: the watches are closed.
            #expect(try await AccessFixture.count("SELECT count(*) FROM watches WHERE ended_at IS NULL", services.detectorPostgres) == 0)
            await producer.shutdown()
        }
    }
}
