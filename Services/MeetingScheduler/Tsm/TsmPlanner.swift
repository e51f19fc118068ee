import AttendanceDomain
import Foundation

/// A term's targeting support meetings (shared/PATHWAY.md §3.2): every school is offered one. Booked in a fixed order
/// (the DfE's suggested priorities, as Devon publishes them):
/// 1. schools with attendance below 90%, lowest first;
/// 2. secondary schools;
/// 3. primary schools with more than 350 pupils;
/// 4. the rest;
/// each group by URN. A meeting is 30 minutes, plus 15 for every 20 persistently absent pupils (rounded up) and 15
/// more for a roll over 1,000, at most 90; they are laid end to end with a 15-minute gap on the round's working days,
/// within the LA's hours, each in the earliest day with room. Schools that do not fit are listed, not dropped.
enum TsmPlanner {
    struct School: Codable, Sendable, Equatable {
        var schoolUrn: String
        /// `primary`, `secondary`, `special`, `all_through`, `alternative_provision`.
        var phase: String
        var roll: Int
        var persistentAbsentees: Int
        var attendancePercent: Double
        /// The school's senior attendance champion (an email address or a subject).
        var champion: String
    }

    struct Placement: Sendable, Equatable {
        var schoolUrn: String
        var date: SchoolDate
        /// Minutes from midnight, London time.
        var start: Int
        var minutes: Int
        var rank: Int
    }

    static let gapMinutes = 15

    static func group(_ school: School) -> Int {
        if school.attendancePercent < 90 { return 0 }
        if school.phase == "secondary" { return 1 }
        if school.phase == "primary" && school.roll > 350 { return 2 }
        return 3
    }

    static func ordered(_ schools: [School]) -> [School] {
        schools.sorted { a, b in
            let ka = (group(a), group(a) == 0 ? a.attendancePercent : 0), kb = (group(b), group(b) == 0 ? b.attendancePercent : 0)
            return ka != kb ? ka < kb : a.schoolUrn < b.schoolUrn
        }
    }

    static func length(_ school: School) -> Int {
        let extra = 15 * Int((Double(max(0, school.persistentAbsentees)) / 20).rounded(.up)) + (school.roll > 1_000 ? 15 : 0)
        return min(90, 30 + extra)
    }

    static func plan(_ schools: [School], days: [SchoolDate], hours: ClosedRange<Int>) -> (placed: [Placement], unplaced: [String]) {
        var next = days.map { _ in hours.lowerBound }
        var placed: [Placement] = [], unplaced: [String] = []
        for (rank, school) in ordered(schools).enumerated() {
            let minutes = length(school)
            guard let day = days.indices.first(where: { next[$0] + minutes <= hours.upperBound }) else {
                unplaced.append(school.schoolUrn)
                continue
            }
            placed.append(Placement(schoolUrn: school.schoolUrn, date: days[day], start: next[day], minutes: minutes, rank: rank + 1))
            next[day] += minutes + gapMinutes
        }
        return (placed, unplaced)
    }
}
