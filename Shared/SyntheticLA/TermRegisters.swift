import AttendanceDomain
import Events

/// A generated period's registers, day by day, with absence that looks like England's: about 7% of
/// sessions missed, more on Mondays and Fridays and before a break, illness that lasts a few days and
/// comes in waves per school, a few pupils drifting down, some registers sent late, and `N` marks
/// amended to a reason one or two school days later.
public struct TermRegisters: Sendable {
    public struct Register: Sendable, Equatable {
        public let schoolUrn: String
        public let date: SchoolDate
        public let half: SessionHalf
        /// (UPN, code) in roster order.
        public var marks: [(upn: String, code: String)]

        public static func == (lhs: Register, rhs: Register) -> Bool {
            lhs.schoolUrn == rhs.schoolUrn && lhs.date == rhs.date && lhs.half == rhs.half
                && lhs.marks.map(\.upn) == rhs.marks.map(\.upn) && lhs.marks.map(\.code) == rhs.marks.map(\.code)
        }
    }

    /// What a school day sends: the registers at registration, those sent late in the day, and earlier
    /// registers sent again with reasons for `N` marks (amendments).
    public struct Day: Sendable {
        public let date: SchoolDate
        public var onTime: [Register] = []
        public var late: [Register] = []
        public var amendments: [Register] = []
        public var all: [Register] { onTime + late + amendments }
    }

    public let calendar: TermCalendar
    public private(set) var days: [Day] = []

    public init(la: SyntheticLA, calendar: TermCalendar, seed: UInt64) {
        self.calendar = calendar
        var random = SeededRandom(seed: seed &+ 0x5eed)
        let dayCount = calendar.schoolDays.count
        // Per school, an illness wave: ten school days when absence runs 60% higher.
        let waves = la.schools.map { _ in Int.random(in: 0..<max(1, dayCount - 10), using: &random) }
        var yesterday = [String?](repeating: nil, count: la.pupils.count)  // the code of the pupil's last PM
        var pendingAmendments: [Int: [Register]] = [:]
        days = calendar.schoolDays.map { Day(date: $0) }
        for (index, date) in calendar.schoolDays.enumerated() {
            let progress = Double(index) / Double(max(1, dayCount - 1))
            var weekdayFactor = [1: 1.15, 5: 1.2][date.weekday] ?? 0.9
            if calendar.isBeforeABreak(index) { weekdayFactor *= 1.3 }
            for (schoolIndex, school) in la.schools.enumerated() {
                let wave = (waves[schoolIndex]..<waves[schoolIndex] + 10).contains(index) ? 1.6 : 1.0
                var am: [(String, String)] = [], pm: [(String, String)] = []
                var amendedAM: [(String, String)] = [], amendedPM: [(String, String)] = []
                var anyAmendment = false
                for pupilIndex in school.pupils {
                    let pupil = la.pupils[pupilIndex]
                    let upn = pupil.profile.upn
                    // 0.75: illness that carries over to the next day makes up the rest of a pupil's propensity.
                    let chance = min(0.95, (pupil.propensity + pupil.drift * progress) * 0.75 * weekdayFactor * wave)
                    let (morning, afternoon) = Self.codes(previous: yesterday[pupilIndex], chance: chance, random: &random)
                    yesterday[pupilIndex] = afternoon
                    am.append((upn, morning))
                    pm.append((upn, afternoon))
                    // Most N marks get a reason a day or two later.
                    let reason = random.chance(0.8) ? (random.chance(0.75) ? "I" : "O") : nil
                    let fixedMorning = morning == "N" ? (reason ?? "N") : morning
                    let fixedAfternoon = afternoon == "N" ? (reason ?? "N") : afternoon
                    anyAmendment = anyAmendment || fixedMorning != morning || fixedAfternoon != afternoon
                    amendedAM.append((upn, fixedMorning))
                    amendedPM.append((upn, fixedAfternoon))
                }
                let registers = [Register(schoolUrn: school.urn, date: date, half: .am, marks: am),
                                 Register(schoolUrn: school.urn, date: date, half: .pm, marks: pm)]
                for register in registers {
                    // One register in twenty reaches the LA late in the day.
                    if random.chance(0.05) { days[index].late.append(register) } else { days[index].onTime.append(register) }
                }
                if anyAmendment {
                    let due = index + Int.random(in: 1...2, using: &random)
                    pendingAmendments[due, default: []] += [Register(schoolUrn: school.urn, date: date, half: .am, marks: amendedAM),
                                                             Register(schoolUrn: school.urn, date: date, half: .pm, marks: amendedPM)]
                }
            }
            days[index].amendments = pendingAmendments.removeValue(forKey: index) ?? []
        }
        // Amendments due after the last day go with it.
        if !days.isEmpty { days[days.count - 1].amendments += pendingAmendments.sorted { $0.key < $1.key }.flatMap(\.value) }
    }

    /// A day's two codes. Illness tends to last: absent with I yesterday, likely absent today.
    static func codes(previous: String?, chance: Double, random: inout SeededRandom) -> (String, String) {
        let continuing = previous == "I" && random.chance(0.35)
        guard continuing || random.chance(chance) else {
            let morning = random.chance(0.03) ? "L" : (random.chance(0.004) ? "U" : "/")
            return (morning, "\\")
        }
        if continuing { return ("I", "I") }
        let roll = Double.random(in: 0..<1, using: &random)
        switch roll {
        case ..<0.52: return ("I", "I")
        case ..<0.72: return ("N", "N")
        case ..<0.78: return ("M", "\\")  // a morning appointment, back in the afternoon
        case ..<0.85: return ("G", "G")
        case ..<0.93: return ("O", "O")
        case ..<0.97: return ("C", "C")
        default: return ("E", "E")
        }
    }
}
