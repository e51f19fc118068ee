import AttendanceDomain
import Events

/// Judges a pupil after a mark changed and reports each change of state once: entering a condition
/// gives its signal, leaving a threshold gives `recovered`. Pure: the same history and the same
/// previous conditions always give the same signals.
struct SignalRules: Sendable {
    var settings: DetectorSettings

    /// Updates `pupil.conditions` and returns the signals for what changed. `changed` is the session
    /// whose mark was just recorded.
    func evaluate(_ pupil: inout PupilState, changed: Session) -> [AttendanceSignal] {
        guard let latest = pupil.history.latest, let year = pupil.currentYear else { return [] }
        if pupil.conditionsYear != year.startYear {
            pupil.conditions = pupil.conditions.filter { !$0.isYearScoped }
            pupil.conditionsYear = year.startYear
        }
        let evidence = Evidence(pupil: pupil, year: year, latest: latest.session)
        var signals: [AttendanceSignal] = firstDayAbsences(&pupil, around: changed, evidence: evidence)

        var now: Set<Condition> = []
        let figures = pupil.figures
        let thresholds = settings.thresholds
        if thresholds.isSevereAbsence(figures) { now.insert(.severe) }
        if thresholds.isPersistentAbsence(figures) { now.insert(.persistent) }
        if !now.contains(.persistent), thresholds.canJudge(figures),
           figures.attended * 100 <= figures.possibleSessions * settings.emergingAttendancePercent,
           pupil.conditions.contains(.emerging) || isFalling(pupil, figures: figures) {
            now.insert(.emerging)
        }
        if figures.unauthorisedAbsence >= settings.unauthorisedSessions { now.insert(.unauthorised10Days) }
        if figures.authorisedAbsence + figures.unauthorisedAbsence >= settings.absenceSessions { now.insert(.absence15Days) }
        let penalty = pupil.penaltyCodedSessions >= settings.penaltySessions || pupil.conditions.contains(.penalty)
            ? penaltyWindow(pupil, endingAt: latest.session.date) : PenaltyWindow(start: latest.session.date, end: latest.session.date, sessions: [])
        if penalty.sessions.count >= settings.penaltySessions { now.insert(.penalty) }
        // Only a new absence can start a pattern; without one, only an active pattern needs another look.
        let changedIsAbsence = pupil.history.entries[pupil.history.index(of: Int32(changed.ordinal))].code.category.isAbsence
        let hasPattern = pupil.conditions.contains { if case .pattern = $0 { true } else { false } }
        let patterns = changedIsAbsence || hasPattern ? weekdayPatterns(pupil, endingAt: latest.session.date) : [:]
        for weekday in patterns.keys { now.insert(.pattern(weekday: weekday)) }

        let entered = now.subtracting(pupil.conditions)
        let left = pupil.conditions.subtracting(now)
        pupil.conditions = now
        for condition in Self.reportingOrder(entered) {
            signals.append(signal(entering: condition, evidence: evidence, penalty: penalty, patterns: patterns))
        }
        for condition in Self.reportingOrder(left) {
            guard let kind = Self.recoverable[condition] else { continue }
            signals.append(evidence.signal(.recovered, recoveredFrom: kind, reason: recoveryReason(condition, figures: figures, penalty: penalty)))
        }
        return signals
    }

    /// Conditions whose end is reported as `recovered`.
    static let recoverable: [Condition: AttendanceSignal.Kind] = [
        .persistent: .persistentAbsence, .severe: .severeAbsence, .penalty: .penaltyNoticeThreshold,
        .unauthorised10Days: .unauthorised10Days, .absence15Days: .absence15Days,
    ]

    static func reportingOrder(_ conditions: Set<Condition>) -> [Condition] {
        conditions.sorted { $0.stored < $1.stored }
    }

    // MARK: First-day absence

    /// A session marked `N` after a session attended or authorised (or no earlier session) starts a spell:
    /// reported once per spell. A late mark can make the following session a spell start, so both are checked.
    private func firstDayAbsences(_ pupil: inout PupilState, around changed: Session, evidence: Evidence) -> [AttendanceSignal] {
        let entries = pupil.history.entries
        let position = pupil.history.index(of: Int32(changed.ordinal))
        guard position < entries.count else { return [] }
        var signals: [AttendanceSignal] = []
        for candidate in [position, nextPossible(entries, after: position)].compactMap({ $0 }) {
            let entry = entries[candidate]
            guard entry.code.isReasonNotYetProvided, !pupil.signalledSpells.contains(entry.ordinal) else { continue }
            let previous = previousPossible(entries, before: candidate).map { entries[$0] }
            if let previous, previous.code.category == .unauthorisedAbsence { continue }
            pupil.signalledSpells.insert(entry.ordinal)
            var sessions = [Evidence.mark(entry)]
            if let previous { sessions.insert(Evidence.mark(previous), at: 0) }
            let before = previous.map { "after \($0.code.code) in the session before" } ?? "with no earlier session"
            signals.append(evidence.signal(.firstDayAbsence, asOf: entry.session,
                                           reason: "marked N (no reason yet) on \(entry.session), \(before): the first day of an absence",
                                           sessions: sessions))
        }
        return signals
    }

    private func previousPossible(_ entries: [SessionHistory.Entry], before position: Int) -> Int? {
        var index = position - 1
        while index >= 0 {
            if entries[index].code.countsInPossibleSessions { return index }
            index -= 1
        }
        return nil
    }

    private func nextPossible(_ entries: [SessionHistory.Entry], after position: Int) -> Int? {
        var index = position + 1
        while index < entries.count {
            if entries[index].code.countsInPossibleSessions { return index }
            index += 1
        }
        return nil
    }

    // MARK: Windows

    /// Attendance over the last few school days below the year to date.
    private func isFalling(_ pupil: PupilState, figures: AttendanceFigures) -> Bool {
        var recent = AttendanceFigures()
        // Entries are in session order, so walking back, a new day is a change of day number.
        var days = 0, lastDay: Int32 = -1
        for entry in pupil.history.entries.reversed() {
            if entry.ordinal >> 1 != lastDay {
                days += 1
                lastDay = entry.ordinal >> 1
            }
            if days > settings.recentSchoolDays { break }
            recent.add(entry.code)
        }
        guard recent.possibleSessions > 0 else { return false }
        return recent.attended * figures.possibleSessions < figures.attended * recent.possibleSessions
    }

    struct PenaltyWindow {
        var start: SchoolDate
        var end: SchoolDate
        var sessions: [SessionHistory.Entry]
    }

    /// The `G`, `O` and `U` sessions within the last `penaltyWindowWeeks` school weeks (weeks with a session).
    func penaltyWindow(_ pupil: PupilState, endingAt end: SchoolDate) -> PenaltyWindow {
        var weeks = 0, lastWeek = Int.min
        var start = end
        var sessions: [SessionHistory.Entry] = []
        for entry in pupil.history.entries.reversed() {
            let week = entry.session.date.weekStart
            if week.dayNumber != lastWeek {
                weeks += 1
                lastWeek = week.dayNumber
            }
            if weeks > settings.penaltyWindowWeeks { break }
            start = week
            if entry.code.countsTowardsPenaltyNotice { sessions.append(entry) }
        }
        return PenaltyWindow(start: start, end: end, sessions: sessions.reversed())
    }

    /// Weekdays on which the pupil was absent in at least `patternWeeks` of the last `patternWindowWeeks`
    /// school weeks, with those absences.
    private func weekdayPatterns(_ pupil: PupilState, endingAt end: SchoolDate) -> [Int: [SessionHistory.Entry]] {
        var weeks = 0, lastWeek = Int.min
        // Per weekday: the weeks with an absence on it (counted once per week) and the absences.
        var weeksMissed = [Int](repeating: 0, count: 8), lastMissedWeek = [Int](repeating: Int.min, count: 8)
        var absences: [SessionHistory.Entry] = []
        for entry in pupil.history.entries.reversed() {
            let date = entry.session.date
            let week = date.weekStart.dayNumber
            if week != lastWeek {
                weeks += 1
                lastWeek = week
            }
            if weeks > settings.patternWindowWeeks { break }
            guard entry.code.category.isAbsence else { continue }
            absences.append(entry)
            if lastMissedWeek[date.weekday] != week {
                weeksMissed[date.weekday] += 1
                lastMissedWeek[date.weekday] = week
            }
        }
        var patterns: [Int: [SessionHistory.Entry]] = [:]
        for weekday in 1...7 where weeksMissed[weekday] >= settings.patternWeeks {
            patterns[weekday] = absences.filter { $0.session.date.weekday == weekday }.reversed()
        }
        return patterns
    }

    // MARK: Signals

    private func signal(entering condition: Condition, evidence: Evidence, penalty: PenaltyWindow, patterns: [Int: [SessionHistory.Entry]]) -> AttendanceSignal {
        let figures = evidence.figures
        let rate = Evidence.percent(figures)
        switch condition {
        case .persistent:
            return evidence.signal(.persistentAbsence, reason: "attendance \(rate) is at or below \(100 - settings.thresholds.persistentMissedPercent)% (missed \(figures.missed) of \(figures.possibleSessions) possible sessions)",
                                   yearWindow: true, sessions: evidence.recentAbsences(limit: 20))
        case .severe:
            return evidence.signal(.severeAbsence, reason: "attendance \(rate) is at or below \(100 - settings.thresholds.severeMissedPercent)% (missed \(figures.missed) of \(figures.possibleSessions) possible sessions)",
                                   yearWindow: true, sessions: evidence.recentAbsences(limit: 20))
        case .emerging:
            return evidence.signal(.emergingPersistentAbsence, reason: "attendance \(rate) is at or below \(settings.emergingAttendancePercent)% and falling: the last \(settings.recentSchoolDays) school days are below the year to date",
                                   yearWindow: true, sessions: evidence.recentAbsences(limit: 20))
        case .unauthorised10Days:
            return evidence.signal(.unauthorised10Days, reason: "\(figures.unauthorisedAbsence) sessions of unauthorised absence this year (\(settings.unauthorisedSessions) sessions = 10 school days): tell the LA",
                                   yearWindow: true, sessions: evidence.absences(where: { $0.category == .unauthorisedAbsence }, limit: 40))
        case .absence15Days:
            return evidence.signal(.absence15Days, reason: "\(figures.authorisedAbsence + figures.unauthorisedAbsence) sessions of absence this year (\(settings.absenceSessions) sessions = 15 school days): the LA considers its s19 duty",
                                   yearWindow: true, sessions: evidence.absences(where: { $0.category.isAbsence }, limit: 60))
        case .penalty:
            return evidence.signal(.penaltyNoticeThreshold, reason: "\(penalty.sessions.count) sessions coded G, O or U within \(settings.penaltyWindowWeeks) school weeks (threshold \(settings.penaltySessions)): consider a penalty notice",
                                   window: (penalty.start, penalty.end), sessions: penalty.sessions.map(Evidence.mark))
        case .pattern(let weekday):
            let marks = patterns[weekday] ?? []
            let weeks = Set(marks.map { $0.session.date.weekStart }).count
            return evidence.signal(.pattern, reason: "absent on \(Evidence.weekdayNames[weekday - 1]) in \(weeks) of the last \(settings.patternWindowWeeks) school weeks",
                                   window: marks.first.map { ($0.session.date.weekStart, evidence.latest.date) }, sessions: marks.map(Evidence.mark))
        }
    }

    private func recoveryReason(_ condition: Condition, figures: AttendanceFigures, penalty: PenaltyWindow) -> String {
        let rate = Evidence.percent(figures)
        switch condition {
        case .persistent: return "attendance \(rate) is back above \(100 - settings.thresholds.persistentMissedPercent)%"
        case .severe: return "attendance \(rate) is back above \(100 - settings.thresholds.severeMissedPercent)%"
        case .penalty: return "\(penalty.sessions.count) sessions coded G, O or U within \(settings.penaltyWindowWeeks) school weeks, below \(settings.penaltySessions)"
        case .unauthorised10Days: return "\(figures.unauthorisedAbsence) sessions of unauthorised absence this year, below \(settings.unauthorisedSessions) (a mark was amended)"
        case .absence15Days: return "\(figures.authorisedAbsence + figures.unauthorisedAbsence) sessions of absence this year, below \(settings.absenceSessions) (a mark was amended)"
        default: return ""
        }
    }
}
