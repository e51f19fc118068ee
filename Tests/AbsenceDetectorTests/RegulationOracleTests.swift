@testable import AbsenceDetector
import AttendanceDomain
import Events
import Foundation
import Logging
import SyntheticLA
import Testing

/// A generated school year for pupils who are looked after, turn five, leave year 11, move school, are
/// dual-registered, and have spells of illness, holiday and truancy among closure days, fed in order through
/// the engine; the signals of the statutory rules must be exactly those that a plain reading of
/// shared/DOMAIN.md's table gives, computed here by brute force without SignalRules or JourneyRules: first
/// days and the sickness return on each school's own register, the 10-day return and the penalty threshold
/// on the child's (the school they were at each session), each reported by the school whose mark completed it.
@Suite("the statutory signals of a generated year against an independent reading of the rules")
struct RegulationOracleTests {
    struct Pupil {
        var upn: String
        var lookedAfter: Bool
        var age: CompulsorySchoolAge
        var codes: [String]  // one per session, AM then PM of each day: where the child was
        var schools: Schools = .one

        enum Schools {
            case one
            /// On the first school's roll before this session, on the second's from it.
            case moves(atSession: Int)
            /// On both rolls; at the second school on this weekday (the first marks `D`), at the first otherwise.
            case dual(weekday: Int)
        }

        /// The school whose register has the child's mark for this session.
        func school(of index: Int) -> String {
            switch schools {
            case .one: return RegulationOracleTests.first
            case .moves(let session): return index < session ? RegulationOracleTests.first : RegulationOracleTests.second
            case .dual(let weekday): return RegulationOracleTests.session(index).date.weekday == weekday ? RegulationOracleTests.second : RegulationOracleTests.first
            }
        }

        /// Each school's register for the pupil: a code per session, nil when not on its roll.
        var registers: [String: [String?]] {
            var registers: [String: [String?]] = [:]
            for (index, code) in codes.enumerated() {
                let at = school(of: index)
                registers[at, default: Array(repeating: nil, count: codes.count)][index] = code
                if case .dual = schools, at == RegulationOracleTests.second {
                    registers[RegulationOracleTests.first, default: Array(repeating: nil, count: codes.count)][index] = "D"
                }
            }
            return registers
        }
    }

    static let first = "100001", second = "100002"

    static let statutory: Set<AttendanceSignal.Kind> = [.firstDayAbsence, .penaltyNoticeThreshold, .lookedAfterAbsenceThreshold, .unauthorised10Days, .illness15Days]

    /// School days of 2025/26: weekdays from 1 September to 17 July, without the holidays.
    static let days: [SchoolDate] = {
        let holidays: [(String, String)] = [("2025-10-27", "2025-10-31"), ("2025-12-22", "2026-01-02"), ("2026-02-16", "2026-02-20"),
                                            ("2026-03-30", "2026-04-10"), ("2026-05-25", "2026-05-29")]
        var days: [SchoolDate] = []
        var day = SchoolDate(iso: "2025-09-01")!
        while day <= SchoolDate(iso: "2026-07-17")! {
            let holiday = holidays.contains { day >= SchoolDate(iso: $0.0)! && day <= SchoolDate(iso: $0.1)! }
            if !day.isWeekend && !holiday { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }()

    static func generate(pupils count: Int, seed: UInt64) -> [Pupil] {
        var random = SeededRandom(seed: seed)
        // Closures for everyone: two INSET days, and a week the site was closed (Y3) in March.
        let inset: Set<Int> = [0, 60]
        let closedWeek = Set(days.indices.filter { days[$0] >= SchoolDate(iso: "2026-03-09")! && days[$0] <= SchoolDate(iso: "2026-03-13")! })
        let births = ["2021-01-15", "2020-11-30", "2021-06-01", "2010-07-01", "2010-09-15", "2014-04-04", "2012-12-12", "2018-08-31"]
        return (0..<count).map { index in
            var codes: [String] = []
            var spell: (code: String, left: Int)?
            let truant = random.chance(0.3), ill = random.chance(0.3)
            for dayIndex in days.indices {
                for half in 0..<2 {
                    if inset.contains(dayIndex) { codes.append("#"); continue }
                    if closedWeek.contains(dayIndex) { codes.append("Y3"); continue }
                    if spell == nil {
                        let roll = Int(random.next() % 1000)
                        if truant && roll < 12 { spell = (["N", "O", "G", "U"][Int(random.next() % 4)], 1 + Int(random.next() % 24)) }
                        else if ill && roll < 20 { spell = ("I", 2 + Int(random.next() % 30)) }
                        else if roll < 25 { spell = ("G", 10) }
                        else if roll < 40 { spell = (["N", "O"][Int(random.next() % 2)], 1) }
                    }
                    if var current = spell {
                        codes.append(current.code)
                        current.left -= 1
                        spell = current.left > 0 ? current : nil
                    } else {
                        codes.append(half == 0 ? "/" : "\\")
                    }
                }
            }
            let body = "801" + String(format: "%09d", 700_000 + index)
            let schools: Pupil.Schools = switch index % 5 {
            case 1: .moves(atSession: 2 * (40 + Int(random.next() % 120)))
            case 2: .dual(weekday: 3)
            default: .one
            }
            return Pupil(upn: String(UPN.checkLetter(for: Array(body))!) + body, lookedAfter: index % 7 == 3,
                         age: CompulsorySchoolAge(dateOfBirth: SchoolDate(iso: births[index % births.count])!), codes: codes, schools: schools)
        }
    }

    static func session(_ index: Int) -> Session { Session(date: days[index / 2], half: index % 2 == 0 ? .am : .pm) }

    /// The expected signals, read straight off the rules, as "kind school upn session".
    static func expected(_ pupil: Pupil) -> Set<String> {
        var found: Set<String> = []
        func note(_ kind: AttendanceSignal.Kind, _ school: String, _ index: Int) { found.insert("\(kind.rawValue) \(school) \(pupil.upn) \(session(index))") }
        // Each school's own register: first days and the sickness return.
        for (school, register) in pupil.registers {
            let marked = register.enumerated().compactMap { index, code in code.map { (index, RegisterCodeTable.byCode[$0]!) } }
            // First day: N or O, the previous possible session at this school neither.
            var previous: RegisterCode?
            for (index, code) in marked where code.countsInPossibleSessions {
                if ["N", "O"].contains(code.code), !["N", "O"].contains(previous?.code ?? "") { note(.firstDayAbsence, school, index) }
                previous = code
            }
            // Sickness return: the 30th I of the year at the school.
            if let thirtieth = marked.filter({ $0.1.code == "I" }).dropFirst(29).first { note(.illness15Days, school, thirtieth.0) }
        }
        // The child's timeline: where they were each session.
        let codes = pupil.codes.map { RegisterCodeTable.byCode[$0]! }
        // 10-day return: the 20th possible session of each run of unauthorised possible sessions.
        var run = 0
        for (index, code) in codes.enumerated() where code.countsInPossibleSessions {
            run = code.category == .unauthorisedAbsence ? run + 1 : 0
            if run == 20 { note(.unauthorised10Days, pupil.school(of: index), index) }
        }
        // Penalty: at each G/N/O/U session of compulsory age, the countable sessions since the last offence within
        // the 10 school weeks (weeks with a session that is not a closure) ending with this one's week.
        var usedThrough = -1
        for index in codes.indices where ["G", "N", "O", "U"].contains(codes[index].code) && pupil.age.contains(session(index).date) {
            var weeks: [Int] = []
            for earlier in 0...index where !codes[earlier].isClosure {
                let week = session(earlier).date.weekStart.dayNumber
                if weeks.last != week { weeks.append(week) }
            }
            let firstWeek = weeks[max(0, weeks.count - 10)]
            let counted = (usedThrough + 1...index).filter {
                ["G", "N", "O", "U"].contains(codes[$0].code) && pupil.age.contains(session($0).date) && session($0).date.weekStart.dayNumber >= firstWeek
            }
            if counted.count >= 10 {
                note(pupil.lookedAfter ? .lookedAfterAbsenceThreshold : .penaltyNoticeThreshold, pupil.school(of: index), index)
                usedThrough = index
            }
        }
        return found
    }

    /// Feeds every pupil's registers, session by session, the schools in `order`; returns the statutory signals.
    static func raised(_ pupils: [Pupil], schoolOrder order: [String]) -> Set<String> {
        let roster = RosterIndex()
        for pupil in pupils {
            for school in order {
                roster.set(PupilKey(school: school, upn: pupil.upn), facts: .init(lookedAfter: pupil.lookedAfter, compulsorySchoolAge: pupil.age))
            }
        }
        var engine = DetectorEngine(settings: .dfeDefaults, families: roster)
        var raised: Set<String> = []
        let logger = Logger(label: "tests")
        for pupil in pupils {
            let registers = pupil.registers
            for index in pupil.codes.indices {
                let session = Self.session(index)
                for school in order {
                    guard let code = registers[school]?[index] else { continue }
                    for signal in engine.apply(school: school, date: session.date.iso, session: session.half.rawValue, marks: [(pupil.upn, code)],
                                               partition: school == first ? 0 : 1, logger: logger) where Self.statutory.contains(signal.kind) {
                        raised.insert("\(signal.kind.rawValue) \(signal.schoolUrn) \(signal.upn) \(signal.asOf)")
                    }
                }
            }
        }
        return raised
    }

    @Test func theEngineRaisesExactlyTheSignalsTheRulesGive() {
        let pupils = Self.generate(pupils: 150, seed: 2026)
        let expected = pupils.reduce(into: Set<String>()) { $0.formUnion(Self.expected($1)) }
        // The data exercises every rule, and the child's rules across two schools.
        for kind in Self.statutory { #expect(expected.contains { $0.hasPrefix(kind.rawValue + " ") }, "no \(kind.rawValue) in the generated year") }
        for kind in [AttendanceSignal.Kind.penaltyNoticeThreshold, .unauthorised10Days] {
            #expect(expected.contains { $0.hasPrefix("\(kind.rawValue) \(Self.second) ") }, "no \(kind.rawValue) at a second school")
        }
        // Whichever school's register arrives first for a session, the same signals.
        for order in [[Self.first, Self.second], [Self.second, Self.first]] {
            let raised = Self.raised(pupils, schoolOrder: order)
            #expect(raised.subtracting(expected).sorted() == [], "raised, not expected (\(order))")
            #expect(expected.subtracting(raised).sorted() == [], "expected, not raised (\(order))")
        }
    }
}
