@testable import AbsenceDetector
import AttendanceDomain
import Events
import Logging
import Testing

/// The detector against the 2024 regulations and DfE's guidance (shared/DOMAIN.md), one hand-worked case per
/// rule, both sides of each boundary.
struct RegulationTests {
    let logger = Logger(label: "tests")
    static let school = SignalRulesTests.school
    static let pupil = SignalRulesTests.pupil
    static let key = PupilKey(school: school, upn: pupil)

    func engine(lookedAfter: Bool = false, born: String? = nil, settings: DetectorSettings = .dfeDefaults) -> DetectorEngine {
        let roster = RosterIndex()
        roster.set(Self.key, facts: .init(lookedAfter: lookedAfter, compulsorySchoolAge: born.map { CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: $0)!) }))
        return DetectorEngine(settings: settings, families: roster)
    }

    /// One unauthorised session of `code` on each of the first `count` school days' AM, present otherwise.
    func penaltyCodes(_ code: String, count: Int, days: Int = 20) -> [String] {
        (0..<(days * 2)).map { $0 % 2 == 0 && $0 / 2 < count ? code : "/" }
    }

    @Test func thePenaltyThresholdCountsNLikeGOAndU() {
        var withN = engine()
        let signals = SignalRulesTests.feed(&withN, penaltyCodes("N", count: 10), days: SignalRulesTests.schoolDays(20), logger: logger)
        #expect(signals.filter { $0.kind == .penaltyNoticeThreshold }.count == 1)
        var nine = engine()
        #expect(!SignalRulesTests.feed(&nine, penaltyCodes("N", count: 9), days: SignalRulesTests.schoolDays(20), logger: logger)
            .contains { $0.kind == .penaltyNoticeThreshold })
        // An LA that narrows the set to G, O and U: ten N sessions are not a threshold.
        var settings = DetectorSettings.dfeDefaults
        settings.penaltyCodes = ["G", "O", "U"]
        var narrowed = engine(settings: settings)
        #expect(!SignalRulesTests.feed(&narrowed, penaltyCodes("N", count: 10), days: SignalRulesTests.schoolDays(20), logger: logger)
            .contains { $0.kind == .penaltyNoticeThreshold })
    }

    @Test func aWeekOfOnlyClosuresIsNoSchoolWeek() {
        // One G each Monday for 11 weeks; weeks 2 to 5 are Y3 (premises closed) all week. Counting those as
        // school weeks, weeks 1 and 11 are 11 weeks apart; without them the 10 G sit in 7 school weeks.
        let days = SignalRulesTests.schoolDays(55, from: SchoolDate(iso: "2027-01-04")!)
        var codes: [String] = []
        for (index, day) in days.enumerated() {
            let week = index / 5
            let closed = (1...4).contains(week) && week != 0
            let am = day.weekday == 1 && !closed ? "G" : (closed ? "Y3" : "/")
            codes += [am, closed ? "Y3" : "\\"]
        }
        var engine = engine()
        let signals = SignalRulesTests.feed(&engine, codes, days: days, logger: logger)
        let penalty = signals.filter { $0.kind == .penaltyNoticeThreshold }
        #expect(penalty.count == 0, "only 7 G sessions exist: \(penalty)")
        // Add three more Mondays of G after the closure: 10 G within 10 school weeks (the closed weeks skipped).
        var more = codes
        for (index, day) in days.enumerated() where day.weekday == 3 && index / 5 >= 5 && index / 5 <= 7 { more[index * 2] = "G" }
        var second = self.engine()
        let crossed = SignalRulesTests.feed(&second, more, days: days, logger: logger).filter { $0.kind == .penaltyNoticeThreshold }
        #expect(crossed.count == 1)
        #expect(crossed.first?.windowStart == "2027-01-04")
    }

    @Test func sessionsUsedForOneOffencePeriodDoNotCountTowardsTheNext() {
        var engine = engine()
        let days = SignalRulesTests.schoolDays(30)
        // 10 G: one offence. 9 more: not a second. The 10th more: a second, its own sessions only.
        let codes = (0..<60).map { $0 % 2 == 0 ? "G" : "/" }
        let signals = SignalRulesTests.feed(&engine, codes, days: days, logger: logger).filter { $0.kind == .penaltyNoticeThreshold }
        #expect(signals.count == 3)
        #expect(signals.map { $0.sessions.count } == [10, 10, 10])
        #expect(Set(signals.flatMap(\.sessions).map(\.date)).count == 30)
        #expect(signals.map(\.asOf) == [days[9], days[19], days[29]].map { "\($0.iso) AM" })
    }

    @Test func anAmendmentBehindTheLatestSessionCompletesAnOffenceBackThen() {
        var engine = engine()
        let days = SignalRulesTests.schoolDays(30)
        // Nine G in the first nine days, then a month of presence; a late amendment makes day 10 a G.
        let codes = (0..<60).map { $0 % 2 == 0 && $0 / 2 < 9 ? "G" : "/" }
        #expect(!SignalRulesTests.feed(&engine, codes, days: days, logger: logger).contains { $0.kind == .penaltyNoticeThreshold })
        let amended = engine.apply(school: Self.school, date: days[9].iso, session: "AM", marks: [(Self.pupil, "O")], partition: 0, logger: logger)
        let penalty = amended.first { $0.kind == .penaltyNoticeThreshold }
        #expect(penalty?.asOf == "\(days[9].iso) AM" && penalty?.sessions.count == 10)
    }

    @Test func aChildLookedAfterIsNeverTheSubjectOfAPenaltyConsideration() {
        var cla = engine(lookedAfter: true)
        let signals = SignalRulesTests.feed(&cla, penaltyCodes("G", count: 10), days: SignalRulesTests.schoolDays(20), logger: logger)
        #expect(!signals.contains { $0.kind == .penaltyNoticeThreshold })
        let crossing = signals.first { $0.kind == .lookedAfterAbsenceThreshold }
        #expect(crossing?.sessions.count == 10 && crossing?.reason.contains("virtual school") == true)
    }

    @Test func compulsorySchoolAgeFollowsTheActsDates() {
        // Fifth birthday 15 March 2021: compulsory from the summer term, 1 April 2021.
        #expect(CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: "2016-03-15")!).from == SchoolDate(iso: "2021-04-01")!)
        // Fifth birthday on 31 August (a prescribed day): from 1 September; on 1 September: from 1 January.
        #expect(CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: "2016-08-31")!).from == SchoolDate(iso: "2021-09-01")!)
        #expect(CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: "2016-09-01")!).from == SchoolDate(iso: "2022-01-01")!)
        // Sixteen on 31 August 2026: until the last Friday of June 2026 (26 June). On 1 September 2026: June 2027 (25 June).
        #expect(CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: "2010-08-31")!).until == SchoolDate(iso: "2026-06-26")!)
        #expect(CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: "2010-09-01")!).until == SchoolDate(iso: "2027-06-25")!)
    }

    @Test func noPenaltyConsiderationOutsideCompulsorySchoolAge() {
        let days = SignalRulesTests.schoolDays(20)  // from 7 September 2026
        // A reception child who turns five on 2 October 2026: compulsory from 1 January 2027.
        var reception = engine(born: "2021-10-02")
        let young = SignalRulesTests.feed(&reception, penaltyCodes("G", count: 10), days: days, logger: logger)
        #expect(!young.contains { $0.kind == .penaltyNoticeThreshold })
        #expect(young.contains { $0.kind == .persistentAbsence })  // the figures still count for everyone
        // A year 11 pupil of compulsory school age in the autumn: considered.
        var year11 = engine(born: "2011-03-10")
        #expect(SignalRulesTests.feed(&year11, penaltyCodes("G", count: 10), days: days, logger: logger).contains { $0.kind == .penaltyNoticeThreshold })
    }

    @Test func firstDaysAfterUAndGAndFirstDaysCodedO() {
        var engine = engine()
        let days = SignalRulesTests.schoolDays(6)
        // U (in school, then gone) then N; G (holiday) then N; present then O; O then N continues the spell.
        let signals = SignalRulesTests.feed(&engine, ["U", "N", "/", "G", "N", "/", "O", "N", "/", "/", "/", "/"], days: days, logger: logger)
        let firstDays = signals.filter { $0.kind == .firstDayAbsence }
        #expect(firstDays.map(\.asOf) == ["\(days[0].iso) PM", "\(days[2].iso) AM", "\(days[3].iso) AM"])
        #expect(firstDays.last?.reason.contains("marked O") == true)
    }

    @Test func anExplainedFirstDayIsReportedOnceSoTheMessageCanBeWithdrawn() {
        var engine = engine()
        let days = SignalRulesTests.schoolDays(2)
        #expect(SignalRulesTests.feed(&engine, ["/", "\\", "N"], days: days, logger: logger).map(\.kind).contains(.firstDayAbsence))
        let phoned = engine.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "I")], partition: 0, logger: logger)
        #expect(phoned.filter { $0.kind == .firstDayAbsenceExplained }.map(\.asOf) == ["\(days[1].iso) AM"])
        // Amended again (to another explained code, or to unauthorised and back): not again.
        _ = engine.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "M")], partition: 0, logger: logger)
        _ = engine.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "O")], partition: 0, logger: logger)
        let again = engine.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "/")], partition: 0, logger: logger)
        #expect(!again.contains { $0.kind == .firstDayAbsenceExplained })
        // An N amended to G (a holiday, still unauthorised) is not explained.
        var other = self.engine()
        _ = SignalRulesTests.feed(&other, ["/", "\\", "N"], days: days, logger: logger)
        #expect(!other.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "G")], partition: 0, logger: logger)
            .contains { $0.kind == .firstDayAbsenceExplained })
    }

    @Test func aShownRateNeverContradictsItsBand() throws {
        // 334 of 371 is 90.03%: not persistent, and shown 90.1%, not 90.0%.
        #expect(Percent.attendance(334, of: 371) == 90.1)
        #expect(Percent.absence(37, of: 371) == 9.9)
        // 89.96% (2249 of 2500) is persistent and shows 90.0%; exactly 90% shows 90.0%.
        #expect(Percent.attendance(2249, of: 2500) == 90.0 && Percent.attendance(18, of: 20) == 90.0)
        #expect(Percent.text(Percent.attendance(334, of: 371)) == "90.1%")
        var thresholds = AbsenceThresholds.dfeDefaults
        thresholds.minimumPossibleSessions = 1
        for possible in 300...400 {
            for attended in (possible * 85 / 100)...(possible * 95 / 100) {
                let figures = AttendanceFigures(possibleSessions: possible, present: attended, approvedEducationalActivity: 0,
                                                authorisedAbsence: possible - attended, unauthorisedAbsence: 0, notCounted: 0)
                let shown = try #require(Percent.attendance(attended, of: possible))
                #expect(thresholds.isPersistentAbsence(figures) == (shown <= 90.0), "\(attended) of \(possible) shows \(shown)")
            }
        }
    }

    @Test func anNStillUnresolvedFiveSchoolDaysLaterIsReportedOnce() {
        let days = SignalRulesTests.schoolDays(8)
        var engine = engine()
        // N on Monday AM (day 0) and Tuesday PM (day 1); present otherwise through Friday.
        var codes = (0..<10).map { $0 % 2 == 0 ? "/" : "\\" }
        codes[0] = "N"; codes[3] = "N"
        #expect(!SignalRulesTests.feed(&engine, codes, days: days, logger: logger).contains { $0.kind == .nUnresolved5Days })
        // Next Monday is five school days after: Monday's N is still N.
        let monday = engine.apply(school: Self.school, date: days[5].iso, session: "AM", marks: [(Self.pupil, "/")], partition: 0, logger: logger)
        #expect(monday.filter { $0.kind == .nUnresolved5Days }.map(\.asOf) == ["\(days[0].iso) AM"])
        #expect(!engine.apply(school: Self.school, date: days[5].iso, session: "PM", marks: [(Self.pupil, "\\")], partition: 0, logger: logger)
            .contains { $0.kind == .nUnresolved5Days })
        // Tuesday's N is resolved (to I) in time: nothing next Tuesday.
        _ = engine.apply(school: Self.school, date: days[1].iso, session: "PM", marks: [(Self.pupil, "I")], partition: 0, logger: logger)
        #expect(!engine.apply(school: Self.school, date: days[6].iso, session: "AM", marks: [(Self.pupil, "/")], partition: 0, logger: logger)
            .contains { $0.kind == .nUnresolved5Days })
    }

    @Test func offencePeriodsDoNotDependOnTheOrderTheMarksArrive() {
        let days = SignalRulesTests.schoolDays(30)
        let codes = (0..<60).map { $0 % 2 == 0 ? "G" : "/" }
        var inOrder = engine()
        let forward = SignalRulesTests.feed(&inOrder, codes, days: days, logger: logger).filter { $0.kind == .penaltyNoticeThreshold }
        var reversed = engine()
        var backward: [AttendanceSignal] = []
        for index in codes.indices.reversed() {
            backward += reversed.apply(school: Self.school, date: days[index / 2].iso, session: index % 2 == 0 ? "AM" : "PM",
                                       marks: [(Self.pupil, codes[index])], partition: 0, logger: logger).filter { $0.kind == .penaltyNoticeThreshold }
        }
        #expect(forward.count == 3 && backward.count == 3)
        #expect(Set(forward.map { Set($0.sessions.map(\.date)) }) == Set(backward.map { Set($0.sessions.map(\.date)) }))
    }

    @Test func explainingASpellFromItsFirstSessionDoesNotStartAnotherSpell() {
        let days = SignalRulesTests.schoolDays(2)
        var engine = engine()
        _ = SignalRulesTests.feed(&engine, ["/", "\\", "N", "N"], days: days, logger: logger)
        // The parent rings: the school amends the morning first, then the afternoon.
        let morning = engine.apply(school: Self.school, date: days[1].iso, session: "AM", marks: [(Self.pupil, "I")], partition: 0, logger: logger)
        #expect(morning.map(\.kind).contains(.firstDayAbsenceExplained))
        #expect(!morning.contains { $0.kind == .firstDayAbsence })
        let afternoon = engine.apply(school: Self.school, date: days[1].iso, session: "PM", marks: [(Self.pupil, "I")], partition: 0, logger: logger)
        #expect(!afternoon.contains { $0.kind == .firstDayAbsence || $0.kind == .firstDayAbsenceExplained })
    }
}
