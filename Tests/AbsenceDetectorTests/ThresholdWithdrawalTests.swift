@testable import AbsenceDetector
import AttendanceDomain
import Events
import Logging
import Testing

/// A penalty threshold whose evidence is amended away is withdrawn (`threshold_withdrawn`), and its sessions
/// can count again: worked by hand on one pupil, 10 `N` mornings in the first 10 of 20 school days.
struct ThresholdWithdrawalTests {
    let logger = Logger(label: "tests")
    let days = SignalRulesTests.schoolDays(20)
    static let school = SignalRulesTests.school
    static let pupil = SignalRulesTests.pupil

    func crossed(lookedAfter: Bool = false) -> (DetectorEngine, [AttendanceSignal]) {
        let roster = RosterIndex()
        roster.set(PupilKey(school: Self.school, upn: Self.pupil), facts: .init(lookedAfter: lookedAfter, compulsorySchoolAge: nil))
        var engine = DetectorEngine(settings: .dfeDefaults, families: roster)
        let codes = (0..<40).map { $0 % 2 == 0 && $0 / 2 < 10 ? "N" : "/" }
        let signals = SignalRulesTests.feed(&engine, codes, days: days, logger: logger)
        return (engine, signals)
    }

    func amend(_ engine: inout DetectorEngine, day: Int, _ session: String = "AM", to code: String) -> [AttendanceSignal] {
        engine.apply(school: Self.school, date: days[day].iso, session: session, marks: [(Self.pupil, code)], partition: 0, logger: logger)
    }

    @Test func anAmendmentThatLeavesNineOfTheTenSessionsWithdrawsTheThreshold() throws {
        var (engine, signals) = crossed()
        #expect(signals.filter { $0.kind == .penaltyNoticeThreshold }.count == 1)
        // The parent's reason for day 3 is accepted: N becomes I (authorised), 9 of the 10 sessions remain.
        let amended = amend(&engine, day: 3, to: "I")
        let withdrawal = try #require(amended.first { $0.kind == .thresholdWithdrawn })
        #expect(withdrawal.recoveredFrom == .penaltyNoticeThreshold)
        #expect(withdrawal.asOf == "\(days[3].iso) AM")
        #expect(withdrawal.reason.contains("from N to I") && withdrawal.reason.contains("9 of the offence period's 10 sessions"))
        #expect(withdrawal.sessions.count == 10 && withdrawal.sessions.filter { $0.code == "I" }.map(\.date) == [days[3].iso])
        // The withdrawn threshold is known by its period's last day: the withdrawal repeats it.
        #expect(withdrawal.windowStart == days[0].iso && withdrawal.windowEnd == days[9].iso)
        #expect(withdrawal.windowEnd == signals.first { $0.kind == .penaltyNoticeThreshold }?.windowEnd)
        #expect(!amended.contains { $0.kind == .penaltyNoticeThreshold })
        #expect(engine.journeys[Self.pupil]?.penaltyPeriods == [] && engine.journeys[Self.pupil]?.penaltyUsedSessions == [])
        // The same amendment again changes nothing.
        #expect(amend(&engine, day: 3, to: "I").isEmpty)
    }

    @Test func anAmendmentBetweenCountedCodesOrOutsideThePeriodWithdrawsNothing() {
        var (engine, _) = crossed()
        // N to O: still counted (the parent gave no reason the school accepts).
        #expect(!amend(&engine, day: 3, to: "O").contains { $0.kind == .thresholdWithdrawn })
        // An afternoon that was never part of the period.
        #expect(!amend(&engine, day: 3, "PM", to: "I").contains { $0.kind == .thresholdWithdrawn })
        #expect(engine.journeys[Self.pupil]?.penaltyPeriods.first?.count == 10)
    }

    @Test func theFreedSessionsCompleteANewPeriodWithALaterOne() throws {
        var (engine, _) = crossed()
        _ = amend(&engine, day: 3, to: "I")
        // A G on day 15 makes 10 again within 10 school weeks: a new threshold, reported as new (not a repeat).
        let again = amend(&engine, day: 15, to: "G")
        let threshold = try #require(again.first { $0.kind == .penaltyNoticeThreshold })
        #expect(threshold.asOf == "\(days[15].iso) AM" && threshold.reason.contains("(earlier thresholds withdrawn: 1)"))
        #expect(!threshold.sessions.contains { $0.date == days[3].iso })
        // The amendment undone instead: the original ten are a period again, with a reason (and so an id) of its own.
        var (undone, first) = crossed()
        _ = amend(&undone, day: 3, to: "I")
        let reraised = try #require(amend(&undone, day: 3, to: "N").first { $0.kind == .penaltyNoticeThreshold })
        let original = try #require(first.first { $0.kind == .penaltyNoticeThreshold })
        #expect(reraised.asOf == original.asOf && reraised.reason != original.reason)
        #expect(SignalStore.identity(of: reraised) != SignalStore.identity(of: original))
        // Withdrawn a second time: a second withdrawal, not a repeat of the first.
        let second = try #require(amend(&undone, day: 3, to: "I").first { $0.kind == .thresholdWithdrawn })
        #expect(second.reason.contains("(withdrawal 2)"))
    }

    @Test func aLookedAfterChildsCrossingIsWithdrawnAsTheirs() throws {
        var (engine, signals) = crossed(lookedAfter: true)
        #expect(signals.contains { $0.kind == .lookedAfterAbsenceThreshold })
        let withdrawal = try #require(amend(&engine, day: 0, to: "C").first { $0.kind == .thresholdWithdrawn })
        #expect(withdrawal.recoveredFrom == .lookedAfterAbsenceThreshold)
    }

    @Test func offencePeriodsSurviveTheirStorageEncoding() {
        let periods: [[Int32]] = [[40_000, 40_002, 40_004], [41_000], []].filter { !$0.isEmpty }
        #expect(JourneyStore.periodList(JourneyStore.periodBytes(periods)) == periods)
        #expect(JourneyStore.periodList(JourneyStore.periodBytes([])) == [])
    }
}
