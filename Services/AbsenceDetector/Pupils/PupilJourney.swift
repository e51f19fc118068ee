import AttendanceDomain

/// What the detector remembers of a pupil across all their schools (by UPN), for the rules the framework
/// applies to the child rather than to one enrolment: the penalty threshold's offence periods and the
/// 10-day return's spells. One row per UPN in `pupil_journeys`.
struct JourneyState: Sendable, Equatable {
    /// A session of each continuous unauthorised spell reported as `unauthorised_10_days`.
    var returnedSpells: Set<Int32> = []
    /// Sessions counted in a penalty offence period already reported: sessions used for one notice cannot
    /// count towards another. A set, not a watermark, so that marks arriving in any order give the same periods.
    var penaltyUsedSessions: Set<Int32> = []
    /// The offence periods reported since periods were kept (migration 10), each its sessions in order: an
    /// amendment that takes one below the threshold withdraws it. Their sessions are in `penaltyUsedSessions`.
    var penaltyPeriods: [[Int32]] = []
    /// How many offence periods amendments have withdrawn: it is in the reasons of later thresholds and
    /// withdrawals, so that a period reported again (the amendment undone) is a new event, not a repeat of
    /// the first (a signal's id comes from what it says).
    var penaltyWithdrawals = 0
    /// Sessions at or before this were judged under the rules before offence periods were kept (set by the
    /// migrations, so an upgrade does not report old periods again; -1: none).
    var penaltyJudgedThrough: Int32 = -1

    /// Forgets sessions older than the history kept.
    mutating func forget(before ordinal: Int32) {
        if returnedSpells.contains(where: { $0 < ordinal }) { returnedSpells = returnedSpells.filter { $0 >= ordinal } }
        if penaltyUsedSessions.contains(where: { $0 < ordinal }) { penaltyUsedSessions = penaltyUsedSessions.filter { $0 >= ordinal } }
        // A period partly forgotten is kept: only one wholly older than the history is dropped.
        if penaltyPeriods.contains(where: { ($0.last ?? ordinal) < ordinal }) { penaltyPeriods.removeAll { ($0.last ?? ordinal) < ordinal } }
    }
}

/// A pupil's sessions at every school they are or were on the roll of, merged into one timeline: a pupil
/// who moves school carries their spell and their penalty window with them, and a dual-registered pupil's
/// `D` at one school gives way to the mark of the school they were at.
struct PupilJourney {
    let upn: String
    /// One entry per session, in session order.
    let entries: [SessionHistory.Entry]
    /// The school of each entry; empty when there is only one school (read through ``school(at:)``).
    private let entrySchools: [String]
    /// The schools the entries come from, most recently marked first.
    let schools: [String]

    var spansSchools: Bool { schools.count > 1 }

    /// `onRoll` gives, for an enrolment, the sessions the pupil was on that school's roll for (nil: all):
    /// a school's marks outside them (a leaver still marked) are not the child's.
    init(upn: String, enrolments: [PupilState], onRoll: (PupilKey) -> ClosedRange<Int32>? = { _ in nil }) {
        self.upn = upn
        let marked = enrolments.map { enrolment in
            guard let roll = onRoll(enrolment.key), let first = enrolment.history.entries.first, let last = enrolment.history.latest,
                  !(roll.contains(first.ordinal) && roll.contains(last.ordinal)) else { return enrolment }
            var onRollOnly = enrolment
            onRollOnly.history.keep { roll.contains($0.ordinal) }
            return onRollOnly
        }.filter { !$0.history.entries.isEmpty }
            .sorted { ($0.history.latest!.ordinal, $0.key.school) > ($1.history.latest!.ordinal, $1.key.school) }
        schools = marked.map(\.key.school)
        guard marked.count > 1 else {
            // The usual case, one school: its history as it is, no copy.
            entries = marked.first?.history.entries ?? []
            entrySchools = []
            return
        }
        var all: [(entry: SessionHistory.Entry, school: String)] = []
        for enrolment in marked { all += enrolment.history.entries.map { ($0, enrolment.key.school) } }
        all.sort { ($0.entry.ordinal, Self.precedence($0.entry.code), $0.school) < ($1.entry.ordinal, Self.precedence($1.entry.code), $1.school) }
        var merged: [SessionHistory.Entry] = [], mergedSchools: [String] = []
        for item in all where merged.last?.ordinal != item.entry.ordinal {
            merged.append(item.entry)
            mergedSchools.append(item.school)
        }
        entries = merged
        entrySchools = mergedSchools
    }

    /// For a session marked at more than one school, which mark the child's timeline keeps: one that counts
    /// (a closure or a not-on-roll code at one school gives way to the other school's register); of those,
    /// attendance before absence (a child cannot be absent without permission from a session they attended
    /// at another school), an authorised absence before an unauthorised one, and a recorded reason before
    /// `N` (no reason yet). A `D` ("at the other school") gives way to anything the other school marked,
    /// even its closure: a week the other school was closed is no school week for the child.
    static func precedence(_ code: RegisterCode) -> Int {
        if code.code == "D" { return 6 }
        guard code.countsInPossibleSessions else { return 5 }
        switch code.category {
        case .authorisedAbsence: return 2
        case .unauthorisedAbsence: return code.isReasonNotYetProvided ? 4 : 3
        default: return code.category.isAbsence ? 3 : 0
        }
    }

    /// The school whose register gave the entry at `index`.
    func school(at index: Int) -> String { entrySchools.isEmpty ? schools[0] : entrySchools[index] }

    /// The position of the first entry whose ordinal is not below `ordinal`.
    func index(of ordinal: Int32) -> Int { entries.position(of: ordinal) }

    /// The school weeks (their Mondays' day numbers, ascending) with at least one session that is not a
    /// closure: a week of only `#` or `Y` codes is not a school week.
    var schoolWeeks: [Int] {
        var weeks: [Int] = []
        for entry in entries where !entry.code.isClosure {
            let week = entry.session.date.weekStart.dayNumber
            if weeks.last != week { weeks.append(week) }
        }
        return weeks
    }
}
