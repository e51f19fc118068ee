import AttendanceDomain
import Events
import SyntheticLA
import Testing

/// The generated LA must look like England's (DOMAIN.md's national figures) and repeat for a seed.
struct SyntheticLATests {
    static let la = SyntheticLA(seed: 7)
    static let term = TermRegisters(la: la, calendar: .summer2026, seed: 7)

    /// Each pupil's figures over the term, from the final code of every session (amendments applied).
    static func figures() -> [String: AttendanceFigures] {
        var final: [String: String] = [:]  // "upn|date|half" → code
        for day in term.days {
            for register in day.all {
                for mark in register.marks { final["\(mark.upn)|\(register.date.iso)|\(register.half.rawValue)"] = mark.code }
            }
        }
        var figures: [String: AttendanceFigures] = [:]
        for (key, code) in final {
            figures[String(key.prefix(13)), default: AttendanceFigures()].add(RegisterCodeTable.byCode[code]!)
        }
        return figures
    }

    @Test func schoolsPupilsAndFlagsAreLikeALocalAuthoritys() throws {
        let la = Self.la
        #expect(la.schools.count == 20)
        #expect((7_600...8_400).contains(la.pupils.count))
        #expect(Set(la.schools.map(\.phase)) == [.primary, .secondary, .special])
        for pupil in la.pupils { _ = try UPN(parsing: pupil.profile.upn) }
        #expect(Set(la.pupils.map(\.profile.upn)).count == la.pupils.count)
        func rate(_ flag: (SyntheticLA.Pupil) -> Bool) -> Double { Double(la.pupils.filter(flag).count) / Double(la.pupils.count) }
        #expect((0.10...0.16).contains(rate { $0.profile.flags.senSupport }))
        #expect((0.03...0.07).contains(rate { $0.profile.flags.ehcPlan }))
        #expect((0.21...0.29).contains(rate { $0.profile.flags.freeSchoolMeals }))
        #expect(rate { $0.profile.flags.childLookedAfter } < 0.01)
        // Siblings, some at different schools.
        let families = Dictionary(grouping: la.pupils.filter { $0.profile.familyId != nil }, by: { $0.profile.familyId! })
        #expect(families.count > 500)
        #expect(families.values.contains { Set($0.map(\.school)).count > 1 })
    }

    @Test func theTermHasABankHolidayAHalfTermLateRegistersAndAmendments() {
        let calendar = TermCalendar.summer2026
        #expect(calendar.closures.contains(SchoolDate(iso: "2026-05-04")!))
        #expect(calendar.closures.contains(SchoolDate(iso: "2026-05-27")!))
        #expect(!calendar.schoolDays.contains(SchoolDate(iso: "2026-05-04")!))
        #expect(Self.term.days.contains { !$0.late.isEmpty })
        let amendments = Self.term.days.flatMap(\.amendments)
        #expect(!amendments.isEmpty)
        #expect(amendments.allSatisfy { amendment in Self.term.days.contains { $0.date >= amendment.date && $0.amendments.contains(amendment) } })
    }

    @Test func absenceLooksLikeEnglands() {
        let figures = Self.figures().values
        let possible = figures.map(\.possibleSessions).reduce(0, +)
        let missed = figures.map(\.missed).reduce(0, +)
        let absence = Double(missed) / Double(possible)
        let thresholds = AbsenceThresholds.dfeDefaults
        let persistent = Double(figures.filter(thresholds.isPersistentAbsence).count) / Double(figures.count)
        let severe = Double(figures.filter(thresholds.isSevereAbsence).count) / Double(figures.count)
        #expect((0.06...0.08).contains(absence), "overall absence \(absence)")
        #expect((0.17...0.21).contains(persistent), "persistent absence \(persistent)")
        #expect((0.015...0.03).contains(severe), "severe absence \(severe)")
        // More absence on Mondays and Fridays than midweek.
        var byWeekday: [Int: AttendanceFigures] = [:]
        for day in Self.term.days { for register in day.onTime + day.late { for mark in register.marks {
            byWeekday[register.date.weekday, default: AttendanceFigures()].add(RegisterCodeTable.byCode[mark.code]!)
        } } }
        func rate(_ weekday: Int) -> Double { Double(byWeekday[weekday]!.missed) / Double(byWeekday[weekday]!.possibleSessions) }
        #expect(rate(5) > rate(3) && rate(1) > rate(3))
    }

    @Test func theSameSeedGivesTheSameLA() {
        let again = TermRegisters(la: SyntheticLA(seed: 7), calendar: .summer2026, seed: 7)
        #expect(again.days.map(\.onTime) == Self.term.days.map(\.onTime))
        #expect(SyntheticLA(seed: 8).pupils.map(\.propensity) != Self.la.pupils.map(\.propensity))
    }
}
