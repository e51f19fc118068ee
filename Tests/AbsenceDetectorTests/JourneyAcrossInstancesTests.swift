@testable import AbsenceDetector
import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import Messaging
import PostgresNIO
@testable import ServiceRuntime
import Storage
import TestSupport
import Testing

/// A pupil's two schools in partitions held by two detector instances, each with its own handler and its
/// own transactions on a real PostgreSQL: the child's penalty window spans both, and when the two schools'
/// registers complete it at the same moment, one waits for the other and the crossing is reported once.
struct JourneyAcrossInstancesTests {
    static let first = "100011", second = "100012"
    let logger = TestEnvironment.logger
    let days = SignalRulesTests.schoolDays(20)

    func message(_ school: String, session index: Int, _ marks: [(String, String)], offset: Int64) throws -> KafkaMessage {
        let day = days[index / 2], half = index % 2 == 0 ? "AM" : "PM"
        let event = EventEnvelope(type: MarksRecorded.type, schemaVersion: 1, source: "register-ingest", key: school,
                                  data: MarksRecorded(schoolUrn: school, date: day.iso, session: half, marks: marks.map { .init(upn: $0.0, code: $0.1) }))
        return KafkaMessage(topic: TopicCatalogue.attendanceMarks.name, partition: school == Self.first ? 0 : 1, offset: offset,
                            key: ArraySlice(school.utf8), value: ArraySlice(try EventCodec.encode(event)))
    }

    /// One batch in one transaction, as ``BatchConsumer`` runs it; `beforeCommit` runs inside it, after the apply.
    static func apply(_ handler: inout MarksHandler, _ messages: [KafkaMessage], postgres: PostgresClient, logger: Logger,
                      beforeCommit: @Sendable () async -> Void = {}) async throws {
        try await postgres.withTransaction(logger: logger) { connection in
            var batch = ConsumedBatch(consumerName: "journey-test", logger: logger)
            try await handler.apply(messages, in: &batch, on: connection)
            await beforeCommit()
        }
        handler.committed()
    }

    static func instance(owning partition: Int32, postgres: PostgresClient, logger: Logger) async throws -> MarksHandler {
        var handler = MarksHandler(settings: .dfeDefaults, families: RosterIndex())
        try await postgres.withConnection { connection in
            try await handler.load([TopicPartition(topic: TopicCatalogue.attendanceMarks.name, partition: partition)], on: connection, logger: logger)
        }
        return handler
    }

    @Test func twoInstancesCompletingOneChildsPenaltyWindowTogetherReportItOnce() async throws {
        let schema = TestEnvironment.uniqueSchema("journey")
        let upn = SignalRulesTests.pupil, logger = self.logger
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await SchemaMigrator(schema: schema, migrations: Migrations.all).apply(using: postgres, logger: logger)
            var atFirst = try await Self.instance(owning: 0, postgres: postgres, logger: logger)
            var atSecond = try await Self.instance(owning: 1, postgres: postgres, logger: logger)
            // Dual-registered: G on the mornings of days 0-3 at the first school (D at the second), then O on
            // days 4-7 at the second (D at the first). 8 sessions; each instance holds only its own school.
            var offset: Int64 = 0
            func next() -> Int64 { offset += 1; return offset }
            var firstBatch: [KafkaMessage] = [], secondBatch: [KafkaMessage] = []
            for index in 0..<16 {
                let atFirstSchool = index < 8
                let code = index % 2 == 0 ? (atFirstSchool ? "G" : "O") : "/"
                firstBatch.append(try message(Self.first, session: index, [(upn, atFirstSchool ? code : "D")], offset: next()))
                secondBatch.append(try message(Self.second, session: index, [(upn, atFirstSchool ? "D" : code)], offset: next()))
            }
            try await Self.apply(&atFirst, firstBatch, postgres: postgres, logger: logger)
            try await Self.apply(&atSecond, secondBatch, postgres: postgres, logger: logger)
            #expect(try await AccessFixture.count("SELECT count(*) FROM signals WHERE kind = 'penalty_notice_threshold'", postgres) == 0)

            // Day 8: the ninth at the first school and the tenth at the second, in two transactions at once.
            // The first holds its lock on the child until released; the second must wait for it, then see both.
            let ninth = try message(Self.first, session: 16, [(upn, "G")], offset: next())
            let tenth = try message(Self.second, session: 17, [(upn, "U")], offset: next())
            let (released, release) = AsyncStream<Void>.makeStream()
            let (waiting, ready) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                let handlerAtFirst = atFirst, handlerAtSecond = atSecond
                group.addTask {
                    var handler = handlerAtFirst
                    try await Self.apply(&handler, [ninth], postgres: postgres, logger: logger) {
                        ready.yield()
                        for await _ in released { break }
                    }
                }
                // The first transaction has applied its batch (the child's row locked) and waits to commit.
                for await _ in waiting { break }
                group.addTask {
                    var handler = handlerAtSecond
                    try await Self.apply(&handler, [tenth], postgres: postgres, logger: logger)
                }
                // The second waits on the first's lock on the child: it has not committed anything yet.
                #expect(try await AccessFixture.waitFor(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted AND a.query LIKE '%pupil_journeys%'", postgres))
                #expect(try await AccessFixture.count("SELECT count(*) FROM signals WHERE kind = 'penalty_notice_threshold'", postgres) == 0)
                release.yield()
                release.finish()
                try await group.waitForAll()
            }
            let rows = try await postgres.query("SELECT school_urn, payload FROM signals WHERE kind = 'penalty_notice_threshold'", logger: logger)
            var found: [(String, AttendanceSignal)] = []
            for try await (school, payload) in rows.decode((String, String).self) {
                found.append((school, try EventCodec.decode(AttendanceSignal.self, from: Array(payload.utf8)).data))
            }
            try #require(found.count == 1, "one crossing, reported once: \(found.map(\.0))")
            let signal = found[0].1
            #expect(found[0].0 == Self.second && signal.asOf == "\(days[8].iso) PM")
            #expect(signal.sessions.count == 10)
            #expect(signal.sessions.filter { $0.schoolUrn == Self.first }.count == 5 && signal.sessions.filter { $0.schoolUrn == Self.second }.count == 5)
            // The child's offence period is stored once, by UPN: its ten sessions used up.
            #expect(try await AccessFixture.count("SELECT length(penalty_used_sessions) / 4 FROM pupil_journeys WHERE upn = '\(upn)'", postgres) == 10)
        }
    }

    @Test func aPupilWhoMovedShowsTheChildsWindowAndOnlyTheSchoolsTheCallerSees() async throws {
        try await AccessFixture.withServices { services in
            let from = AccessFixture.school(), to = AccessFixture.school(), upn = AccessFixture.upn(Int.random(in: 1...999_999))
            let days = SignalRulesTests.schoolDays(10, from: SchoolDate(iso: "2026-11-02")!)
            func post(_ school: String, _ day: SchoolDate, _ code: String) async throws {
                for (session, mark) in [("AM", code), ("PM", #"\\"#)] {  // the afternoon present code, escaped for JSON
                    let body = #"{"schoolUrn": "\#(school)", "date": "\#(day.iso)", "session": "\#(session)", "marks": [{"upn": "\#(upn)", "code": "\#(mark)"}]}"#
                    let answer = try await AccessFixture.call(services.ingest, .post, "/v1/registers", token: AccessFixture.connectorToken, body: body)
                    #expect(answer.status == 200, "\(answer.text)")
                }
            }
            // Five mornings of G at the old school, then four of O at the new one: nine in the child's window.
            for day in days[0..<5] { try await post(from, day, "G") }
            for day in days[5..<9] { try await post(to, day, "O") }
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM pupil_state WHERE upn = '\(upn)' AND possible_sessions = 8", services.detectorPostgres))
            let manager = try await TestIdentity.token([.laManager], subject: "manager-journey")
            let whole = try await AccessFixture.call(services.detector, .get, "/v1/pupils/\(upn)/attendance", token: manager)
            #expect(whole.status == 200, "\(whole.text)")
            #expect(whole.json["schoolUrn"] as? String == to && whole.json["possibleSessions"] as? Int == 8)
            #expect((whole.json["penaltyWindow"] as? [String: Any])?["unauthorisedSessionsInWindow"] as? Int == 9)
            let across = try #require(whole.json["acrossSchools"] as? [String: Any])
            #expect(across["schoolCount"] as? Int == 2 && across["schoolsVisible"] as? [String] == [to, from])
            #expect(across["possibleSessions"] as? Int == 18 && across["unauthorisedAbsence"] as? Int == 9)
            // The tenth, at the new school: the penalty threshold, reported there, with both schools' sessions.
            try await post(to, days[9], "O")
            #expect(try await AccessFixture.waitFor("SELECT count(*) FROM signals WHERE upn = '\(upn)' AND kind = 'penalty_notice_threshold' AND school_urn = '\(to)'", services.detectorPostgres))
            #expect(try await AccessFixture.count("SELECT count(*) FROM signals WHERE upn = '\(upn)' AND kind = 'penalty_notice_threshold'", services.detectorPostgres) == 1)
            // The old school's lead sees their own figures and signals, and that the child has another school, not which.
            let lead = try await TestIdentity.token([.schoolLead], schools: [from])
            let theirs = try await AccessFixture.call(services.detector, .get, "/v1/pupils/\(upn)/attendance", token: lead)
            #expect(theirs.status == 200 && theirs.json["schoolUrn"] as? String == from && theirs.json["possibleSessions"] as? Int == 10)
            let seen = try #require(theirs.json["acrossSchools"] as? [String: Any])
            #expect(seen["schoolCount"] as? Int == 2 && seen["schoolsVisible"] as? [String] == [from])
            let kinds = (theirs.json["signals"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(!kinds.contains("penalty_notice_threshold") && !theirs.text.contains(to), "the new school is not the old school's to see")
            // The new school's lead reads the crossing: all ten sessions, its own five naming it, the others no school.
            let newLead = try await TestIdentity.token([.schoolLead], schools: [to])
            let ours = try await AccessFixture.call(services.detector, .get, "/v1/pupils/\(upn)/attendance", token: newLead)
            let penalty = try #require((ours.json["signals"] as? [[String: Any]] ?? []).first { $0["kind"] as? String == "penalty_notice_threshold" })
            let sessions = penalty["sessions"] as? [[String: Any]] ?? []
            #expect(sessions.count == 10 && sessions.filter { $0["schoolUrn"] as? String == to }.count == 5)
            #expect(!ours.text.contains(from), "the old school is not the new school's to see")
            // The manager sees both schools named.
            let all = try await AccessFixture.call(services.detector, .get, "/v1/pupils/\(upn)/attendance", token: manager)
            #expect(all.text.contains(from) && all.text.contains(to))
        }
    }
}

extension JourneyAcrossInstancesTests {
    @Test func anUpgradeCarriesWhatEachEnrolmentReportedToTheChild() async throws {
        let schema = TestEnvironment.uniqueSchema("journey_upgrade")
        let logger = self.logger
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await SchemaMigrator(schema: schema, migrations: Migrations.all.filter { $0.version <= 8 }).apply(using: postgres, logger: logger)
            // Before migration 9, each enrolment kept its own spells and periods (ordinals: 4 bytes little-endian).
            func hex(_ ordinals: [Int32]) -> String { ordinals.map { PupilStateStore.bytes([$0]).readableBytesView.map { String(format: "%02x", $0) }.joined() }.joined() }
            for (school, returned, used, through) in [(Self.first, [Int32(1_000)], [Int32(980), 982], Int32(990)), (Self.second, [], [Int32(1_010)], Int32(1_020))] {
                try await postgres.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO pupil_state (school_urn, upn, partition, sessions, conditions, conditions_year, signalled_spells, academic_year,
                        possible_sessions, present, approved_educational_activity, authorised_absence, unauthorised_absence, not_counted,
                        persistent_absence, severe_absence, updated_at, returned_spells, penalty_used_sessions, penalty_used_through)
                    VALUES ('\(school)', '\(SignalRulesTests.pupil)', 0, '', '', 2026, '', 2026, 0, 0, 0, 0, 0, 0, false, false, now(),
                        decode('\(hex(returned))', 'hex'), decode('\(hex(used))', 'hex'), \(through))
                    """), logger: logger)
            }
            try await SchemaMigrator(schema: schema, migrations: Migrations.all).apply(using: postgres, logger: logger)
            let journey = try await JourneyStore.load(upn: SignalRulesTests.pupil, on: postgres, logger: logger)
            #expect(journey == JourneyState(returnedSpells: [1_000], penaltyUsedSessions: [980, 982, 1_010], penaltyJudgedThrough: 1_020))
        }
    }

    @Test func aPupilAdmittedSinceTheInstanceLoadedItsRosterIsJudgedAndOneNeverListedIsNot() async throws {
        let schema = TestEnvironment.uniqueSchema("journey_roll")
        let logger = self.logger
        let (listed, admittedLater, stranger) = (SignalRulesTests.pupil, AccessFixture.upn(700_001), AccessFixture.upn(700_002))
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await SchemaMigrator(schema: schema, migrations: Migrations.all).apply(using: postgres, logger: logger)
            func profile(_ upn: String) async throws {
                try await postgres.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO pupil_profiles (school_urn, upn, year_group, sen_support, ehc_plan, free_school_meals, child_looked_after,
                        has_social_worker, admitted) VALUES ('\(Self.first)', '\(upn)', '7', false, false, false, false, false, '2026-09-01')
                    """), logger: logger)
            }
            // The school's roster lists one pupil when the instance starts; another instance's profiles consumer
            // then stores a newly admitted pupil.
            try await profile(listed)
            var handler = try await Self.instance(owning: 0, postgres: postgres, logger: logger)
            try await profile(admittedLater)
            let marks = try message(Self.first, session: 0, [(listed, "N"), (admittedLater, "N"), (stranger, "N")], offset: 1)
            try await Self.apply(&handler, [marks], postgres: postgres, logger: logger)
            let rows = try await postgres.query("SELECT upn FROM signals WHERE kind = 'first_day_absence' ORDER BY upn", logger: logger)
            var judged: [String] = []
            for try await upn in rows.decode(String.self) { judged.append(upn) }
            #expect(judged == [listed, admittedLater].sorted(), "the pupil the roster never listed is not judged")
            // The stranger's mark is kept all the same.
            #expect(try await AccessFixture.count("SELECT count(*) FROM pupil_state WHERE upn = '\(stranger)' AND unauthorised_absence = 1", postgres) == 1)
        }
    }
}

extension JourneyAcrossInstancesTests {
    /// The offence period is stored with its sessions: after a restart (the pupil's state read back from
    /// PostgreSQL), an amendment the batch's candidates include only because of the code it replaces
    /// withdraws it, once.
    @Test func anAmendmentAfterARestartWithdrawsTheStoredOffencePeriodOnce() async throws {
        let schema = TestEnvironment.uniqueSchema("journey_withdraw")
        let upn = SignalRulesTests.pupil, logger = self.logger
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            try await SchemaMigrator(schema: schema, migrations: Migrations.all).apply(using: postgres, logger: logger)
            var handler = try await Self.instance(owning: 0, postgres: postgres, logger: logger)
            let term = try (0..<40).map { index in
                try message(Self.first, session: index, [(upn, index % 2 == 0 && index / 2 < 10 ? "N" : "/")], offset: Int64(index))
            }
            try await Self.apply(&handler, term, postgres: postgres, logger: logger)
            #expect(try await AccessFixture.count("SELECT count(*) FROM signals WHERE kind = 'penalty_notice_threshold'", postgres) == 1)
            #expect(try await AccessFixture.count("SELECT length(penalty_periods) FROM pupil_journeys WHERE upn = '\(upn)'", postgres) == 44)

            let amendment = KafkaMessage(
                topic: TopicCatalogue.attendanceMarks.name, partition: 0, offset: 40, key: ArraySlice(Self.first.utf8),
                value: ArraySlice(try EventCodec.encode(EventEnvelope(type: MarksAmended.type, schemaVersion: 1, source: "register-ingest", key: Self.first, data: MarksAmended(
                    schoolUrn: Self.first, date: days[3].iso, session: "AM", amendments: [.init(upn: upn, previousCode: "N", code: "I")])))))
            for _ in 0..<2 {  // the second time as a redelivery to a restarted instance: nothing changes
                var restarted = try await Self.instance(owning: 0, postgres: postgres, logger: logger)
                try await Self.apply(&restarted, [amendment], postgres: postgres, logger: logger)
            }
            let rows = try await postgres.query("SELECT payload FROM signals WHERE kind = 'threshold_withdrawn'", logger: logger)
            var withdrawals: [AttendanceSignal] = []
            for try await payload in rows.decode(String.self) { withdrawals.append(try EventCodec.decode(AttendanceSignal.self, from: Array(payload.utf8)).data) }
            #expect(withdrawals.count == 1 && withdrawals.first?.recoveredFrom == .penaltyNoticeThreshold && withdrawals.first?.asOf == "\(days[3].iso) AM")
            #expect(try await AccessFixture.count("""
                SELECT count(*) FROM pupil_journeys WHERE upn = '\(upn)' AND penalty_periods = '' AND penalty_used_sessions = '' AND penalty_withdrawals = 1
                """, postgres) == 1)
        }
    }
}
