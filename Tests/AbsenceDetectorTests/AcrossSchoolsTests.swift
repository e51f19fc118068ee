@testable import AbsenceDetector
import AttendanceDomain
import Events
import Logging
import Testing

/// One child across schools (issue 13, item 8): the penalty window and the 10-day spell follow the pupil
/// when they move school or are dual-registered, while the figures stay per enrolment (DfE's basis).
struct AcrossSchoolsTests {
    let logger = Logger(label: "tests")
    static let first = "100001", second = "100002"
    static let upn = SignalRulesTests.pupil
    let days = SignalRulesTests.schoolDays(30)

    func engine(lookedAfterAtSecond: Bool = false) -> DetectorEngine {
        let roster = RosterIndex()
        roster.set(PupilKey(school: Self.first, upn: Self.upn), facts: .init(lookedAfter: false, compulsorySchoolAge: nil))
        roster.set(PupilKey(school: Self.second, upn: Self.upn), facts: .init(lookedAfter: lookedAfterAtSecond, compulsorySchoolAge: nil))
        return DetectorEngine(settings: .dfeDefaults, families: roster)
    }

    /// Marks one session at one school; returns the signals.
    func mark(_ engine: inout DetectorEngine, _ school: String, session index: Int, _ code: String) -> [AttendanceSignal] {
        let day = days[index / 2]
        return engine.apply(school: school, date: day.iso, session: index % 2 == 0 ? "AM" : "PM", marks: [(Self.upn, code)],
                            partition: school == Self.first ? 0 : 1, logger: logger)
    }

    @Test func aPupilWhoMovesSchoolCarriesTheirPenaltyWindowWithThem() throws {
        var engine = engine()
        var signals: [AttendanceSignal] = []
        // At the first school: a G each morning of days 0-5 (6 sessions). Then at the second: an O each morning from day 6.
        for index in 0..<12 { signals += mark(&engine, Self.first, session: index, index % 2 == 0 ? "G" : "/") }
        for index in 12..<18 { signals += mark(&engine, Self.second, session: index, index % 2 == 0 ? "O" : "/") }
        #expect(!signals.contains { $0.kind == .penaltyNoticeThreshold }, "9 sessions across both schools so far")
        signals = mark(&engine, Self.second, session: 18, "O")
        let penalty = try #require(signals.first { $0.kind == .penaltyNoticeThreshold })
        // Reported for the school whose register completed it, with each session's school.
        #expect(penalty.schoolUrn == Self.second && penalty.asOf == "\(days[9].iso) AM")
        #expect(penalty.sessions.count == 10)
        #expect(penalty.sessions.prefix(6).allSatisfy { $0.schoolUrn == Self.first && $0.code == "G" })
        #expect(penalty.sessions.suffix(4).allSatisfy { $0.schoolUrn == Self.second && $0.code == "O" })
        #expect(penalty.reason.contains("within 10 school weeks across 2 schools"))
        // Figures stay the enrolment's: the second school's 7 possible sessions, 4 unauthorised.
        #expect(penalty.figures.possibleSessions == 7 && penalty.figures.unauthorisedAbsence == 4)
        // The ten are used up: nine more G are not a second period.
        var more: [AttendanceSignal] = []
        for index in 19..<37 { more += mark(&engine, Self.second, session: index, index % 2 == 0 ? "G" : "/") }
        #expect(more.filter { $0.kind == .penaltyNoticeThreshold }.count == 0, "9 unused sessions")
        #expect(mark(&engine, Self.second, session: 38, "G").filter { $0.kind == .penaltyNoticeThreshold }.map(\.sessions.count) == [10])
    }

    @Test func aSpellWithoutPermissionRunsOnAcrossAMove() throws {
        var engine = engine()
        var signals: [AttendanceSignal] = []
        // 12 sessions of U at the first school, then 7 of N at the second: 19, no return.
        for index in 0..<12 { signals += mark(&engine, Self.first, session: index, "U") }
        for index in 12..<19 { signals += mark(&engine, Self.second, session: index, "N") }
        #expect(!signals.contains { $0.kind == .unauthorised10Days })
        // Each school alone has fewer than 20; the child has 20: one return, by the second school.
        let returned = try #require(mark(&engine, Self.second, session: 19, "N").first { $0.kind == .unauthorised10Days })
        #expect(returned.schoolUrn == Self.second && returned.sessions.count == 20 && returned.windowStart == days[0].iso)
        #expect(Set(returned.sessions.compactMap(\.schoolUrn)) == [Self.first, Self.second])
        // The spell goes on: no second return for it.
        #expect(!mark(&engine, Self.second, session: 20, "N").contains { $0.kind == .unauthorised10Days })
    }

    @Test func aDualRegisteredPupilIsJudgedOnTheSchoolTheyWereAt() throws {
        var engine = engine()
        var signals: [AttendanceSignal] = []
        // The main school marks D (at the other school) for 20 sessions; the other school marks them U.
        // The D does not break the spell, and the other school's U make it 20.
        for index in 0..<20 {
            signals += mark(&engine, Self.first, session: index, "D")
            signals += mark(&engine, Self.second, session: index, "U")
        }
        #expect(signals.filter { $0.kind == .unauthorised10Days }.map(\.schoolUrn) == [Self.second])
        // A session the pupil attended at one school is not an absence without permission at the other.
        var other = self.engine()
        var crossed: [AttendanceSignal] = []
        for index in 0..<20 {
            crossed += mark(&other, Self.second, session: index, "U")
            crossed += mark(&other, Self.first, session: index, index == 9 ? "/" : "D")
        }
        #expect(!crossed.contains { $0.kind == .unauthorised10Days }, "session 9 was attended at the first school")
        // The first school's figures are its own: D is not a possible session there, the one present is.
        #expect(other.pupils[PupilKey(school: Self.first, upn: Self.upn)]?.figures.possibleSessions == 1)
    }

    @Test func aChildLookedAfterAtTheirNewSchoolGetsTheVirtualSchoolSignal() throws {
        var engine = engine(lookedAfterAtSecond: true)
        var signals: [AttendanceSignal] = []
        for index in 0..<12 { signals += mark(&engine, Self.first, session: index, index % 2 == 0 ? "G" : "/") }
        for index in 12..<22 { signals += mark(&engine, Self.second, session: index, index % 2 == 0 ? "G" : "/") }
        #expect(!signals.contains { $0.kind == .penaltyNoticeThreshold })
        #expect(signals.filter { $0.kind == .lookedAfterAbsenceThreshold }.map(\.schoolUrn) == [Self.second])
        // Looked after according to either school: a crossing completed at the other school is the same signal.
        var other = self.engine(lookedAfterAtSecond: true)
        var crossed: [AttendanceSignal] = []
        for index in 0..<10 { crossed += mark(&other, Self.second, session: index, index % 2 == 0 ? "G" : "/") }
        for index in 10..<20 { crossed += mark(&other, Self.first, session: index, index % 2 == 0 ? "G" : "/") }
        #expect(crossed.filter { $0.kind == .lookedAfterAbsenceThreshold }.map(\.schoolUrn) == [Self.first])
        #expect(!crossed.contains { $0.kind == .penaltyNoticeThreshold })
    }

    @Test func theMergedTimelineKeepsTheMarkThatCounts() {
        func state(_ school: String, _ marks: [(Int32, String)]) -> PupilState {
            var pupil = PupilState(key: PupilKey(school: school, upn: Self.upn), partition: 0)
            for (ordinal, code) in marks {
                _ = pupil.record(Session(ordinal: Int(ordinal)), code: RegisterCodeTable.byCode[code]!)
            }
            return pupil
        }
        let base = Int32(days[0].dayNumber * 2)
        let journey = PupilJourney(upn: Self.upn, enrolments: [
            state(Self.first, [(base, "D"), (base + 1, "N"), (base + 2, "#"), (base + 4, "I"), (base + 5, "N")]),
            state(Self.second, [(base, "O"), (base + 1, "/"), (base + 3, "G"), (base + 4, "N"), (base + 5, "O")]),
        ])
        // An authorised absence before an unauthorised one, and a reason before N, whichever school recorded it.
        #expect(journey.entries.map(\.code.code) == ["O", "/", "#", "G", "I", "O"])
        #expect((0..<6).map(journey.school(at:)) == [Self.second, Self.second, Self.first, Self.second, Self.first, Self.second])
        #expect(journey.schools == [Self.second, Self.first], "most recently marked first (the second, by its name, on a tie)")
    }

    @Test func marksForAPupilNotOnTheRollAreKeptButNotJudged() {
        let roster = RosterIndex()
        let leaver = PupilKey(school: Self.first, upn: Self.upn), unlisted = PupilKey(school: Self.first, upn: "A801200006002")
        roster.set(leaver, facts: .init(admitted: days[0], left: days[5]))
        roster.set(PupilKey(school: Self.second, upn: Self.upn), facts: .init(admitted: days[6]))
        var engine = DetectorEngine(settings: .dfeDefaults, families: roster)
        func mark(_ key: PupilKey, _ index: Int, _ code: String) -> [AttendanceSignal] {
            engine.apply(school: key.school, date: days[index / 2].iso, session: index % 2 == 0 ? "AM" : "PM", marks: [(key.upn, code)],
                         partition: key.school == Self.first ? 0 : 1, logger: logger)
        }
        // The school has sent a roster: a pupil it does not list is marked and kept, not judged.
        #expect(mark(unlisted, 0, "N").isEmpty)
        #expect(engine.pupils[unlisted]?.figures.unauthorisedAbsence == 1)
        #expect(engine.takeOffRollMarks() == 1)
        // The leaver is judged while on roll (a first day), not after the leaving date: kept, not judged.
        #expect(mark(leaver, 2, "N").map(\.kind) == [.firstDayAbsence])
        #expect(mark(leaver, 3, "/").isEmpty)
        #expect(mark(leaver, 12, "N").isEmpty, "marked after leaving")
        #expect(engine.pupils[leaver]?.figures.unauthorisedAbsence == 2)
        #expect(engine.takeOffRollMarks() == 1)
        // Before the admission date at the new school: kept, not judged.
        #expect(mark(PupilKey(school: Self.second, upn: Self.upn), 0, "N").isEmpty)
        #expect(engine.takeOffRollMarks() == 1)
        // Nor are a leaver's marks the child's: six G while on roll at the old school, four more it wrongly
        // recorded after the leaving date (the new school marks only afternoons) are not ten.
        var signals: [AttendanceSignal] = []
        for index in stride(from: 0, to: 20, by: 2) where index != 2 && index != 12 { signals += mark(leaver, index, "G") }
        for index in stride(from: 13, to: 20, by: 2) { signals += mark(PupilKey(school: Self.second, upn: Self.upn), index, "\\") }
        // A G at the new school judges the child's timeline: seven, not eleven.
        signals += mark(PupilKey(school: Self.second, upn: Self.upn), 21, "G")
        #expect(!signals.contains { $0.kind == .penaltyNoticeThreshold }, "\(signals.map(\.kind))")
        // A school that has sent no roster has every pupil it marks on its roll.
        #expect(RosterIndex().isOnRoll(unlisted, on: days[0]))
    }
}
