import AttendanceDomain
import Events

/// Judges a pupil after a mark changed and reports each change of state once: entering a condition
/// gives its signal, leaving a threshold gives `recovered`. Pure: the same history and the same
/// previous conditions always give the same signals.
struct SignalRules: Sendable {
    var settings: DetectorSettings

    /// Updates `pupil.conditions` (and the first days reported) and returns the signals for what changed at
    /// this school. `changed` is the session whose mark was just recorded.
    func evaluate(_ pupil: inout PupilState, changed: Session) -> [AttendanceSignal] {
        guard let latest = pupil.history.latest, let year = pupil.currentYear else { return [] }
        if pupil.conditionsYear != year.startYear {
            pupil.conditions = pupil.conditions.filter { !$0.isYearScoped }
            pupil.conditionsYear = year.startYear
        }
        let evidence = Evidence(pupil: pupil, year: year, latest: latest.session)
        let changedCode = pupil.history.entries[pupil.history.index(of: Int32(changed.ordinal))].code
        // Explained first: a spell start explained now is not followed by a new first day in the same spell.
        var signals: [AttendanceSignal] = explainedFirstDay(&pupil, changed: changed, evidence: evidence)
        signals += firstDayAbsences(&pupil, around: changed, evidence: evidence)
        signals += unresolvedN(pupil, changed: changed, evidence: evidence)

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
        if pupil.illnessSessions >= settings.illnessSessions { now.insert(.illness15Days) }
        // Only a new absence can start a pattern; without one, only an active pattern needs another look.
        let hasPattern = pupil.conditions.contains { if case .pattern = $0 { true } else { false } }
        let patterns = changedCode.category.isAbsence || hasPattern ? weekdayPatterns(pupil, endingAt: latest.session.date) : [:]
        for weekday in patterns.keys { now.insert(.pattern(weekday: weekday)) }

        let entered = now.subtracting(pupil.conditions)
        let left = pupil.conditions.subtracting(now)
        pupil.conditions = now
        for condition in Self.reportingOrder(entered) {
            signals.append(signal(entering: condition, evidence: evidence, patterns: patterns))
        }
        for condition in Self.reportingOrder(left) {
            guard let kind = Self.recoverable[condition] else { continue }
            signals.append(evidence.signal(.recovered, recoveredFrom: kind, reason: recoveryReason(condition, pupil: pupil)))
        }
        // The 10-day return and the penalty threshold are the child's, across schools: ``JourneyRules``.
        return signals
    }

    /// Conditions whose end is reported as `recovered`.
    static let recoverable: [Condition: AttendanceSignal.Kind] = [
        .persistent: .persistentAbsence, .severe: .severeAbsence, .illness15Days: .illness15Days,
    ]

    static func reportingOrder(_ conditions: Set<Condition>) -> [Condition] {
        conditions.sorted { $0.stored < $1.stored }
    }

    // MARK: First-day absence

    /// A session marked `N` or `O` after a session that was neither (present, authorised, `G` holiday, `U`
    /// in school then gone, or no earlier session) starts an unexplained spell: reported once per spell. A
    /// late mark can make the following session a spell start, so both are checked.
    private func firstDayAbsences(_ pupil: inout PupilState, around changed: Session, evidence: Evidence) -> [AttendanceSignal] {
        let entries = pupil.history.entries
        let position = pupil.history.index(of: Int32(changed.ordinal))
        guard position < entries.count else { return [] }
        var signals: [AttendanceSignal] = []
        for candidate in [position, nextPossible(entries, after: position)].compactMap({ $0 }) {
            let entry = entries[candidate]
            guard entry.code.isUnexplainedAbsence, !pupil.signalledSpells.contains(entry.ordinal) else { continue }
            let previous = previousPossible(entries, before: candidate).map { entries[$0] }
            if let previous, previous.code.isUnexplainedAbsence { continue }
            // The session before began a spell since explained as an authorised absence (the parent rang: ill):
            // the rest of that spell is being resolved with it, one session at a time, not a new first day to
            // tell the family about. Explained as present (the pupil was in after all), this is a new absence.
            if let previous, previous.code.category == .authorisedAbsence, pupil.explainedSpells.contains(previous.ordinal) { continue }
            pupil.signalledSpells.insert(entry.ordinal)
            var sessions = [Evidence.mark(entry)]
            if let previous { sessions.insert(Evidence.mark(previous), at: 0) }
            let before = previous.map { "after \($0.code.code) in the session before" } ?? "with no earlier session"
            signals.append(evidence.signal(.firstDayAbsence, asOf: entry.session,
                                           reason: "marked \(entry.code.code) (\(entry.code.isReasonNotYetProvided ? "no reason yet" : "absent, circumstances unknown")) on \(entry.session), \(before): the first day of an absence",
                                           sessions: sessions))
        }
        return signals
    }

    /// The session that began a reported spell, amended to present, approved activity or authorised absence:
    /// reported once, so that a family message still queued can be withdrawn.
    private func explainedFirstDay(_ pupil: inout PupilState, changed: Session, evidence: Evidence) -> [AttendanceSignal] {
        let ordinal = Int32(changed.ordinal)
        let entry = pupil.history.entries[pupil.history.index(of: ordinal)]
        guard pupil.signalledSpells.contains(ordinal), !pupil.explainedSpells.contains(ordinal),
              entry.code.category.isAttendance || entry.code.category == .authorisedAbsence else { return [] }
        pupil.explainedSpells.insert(ordinal)
        return [evidence.signal(.firstDayAbsenceExplained, asOf: entry.session,
                                reason: "the first day of the absence on \(entry.session) is now \(entry.code.code) (\(entry.code.meaning))",
                                sessions: [Evidence.mark(entry)])]
    }

    /// When the first mark of a new latest school day arrives, the `N` sessions of the school day
    /// `nResolutionSchoolDays` before it that are still `N`: each reported once, for the school to resolve.
    private func unresolvedN(_ pupil: PupilState, changed: Session, evidence: Evidence) -> [AttendanceSignal] {
        let entries = pupil.history.entries
        guard let latest = entries.last, latest.session.date == changed.date else { return [] }
        // Only on the day's first mark: a second one that day would find the same sessions.
        if entries.count > 1, entries[entries.count - 2].session.date == changed.date { return [] }
        var days = 0, day: SchoolDate?
        var index = entries.count - 1
        while index >= 0 {
            let date = entries[index].session.date
            if date != day, !entries[index].code.isClosure {
                days += 1
                day = date
            }
            if days > settings.nResolutionSchoolDays { break }
            index -= 1
        }
        guard index >= 0, let aged = day else { return [] }
        return entries[...index].reversed().prefix { $0.session.date == aged }.filter(\.code.isReasonNotYetProvided).reversed().map { entry in
            evidence.signal(.nUnresolved5Days, asOf: entry.session,
                            reason: "marked N on \(entry.session) and still N \(settings.nResolutionSchoolDays) school days later: the school should record the reason or O",
                            sessions: [Evidence.mark(entry)])
        }
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

    private func signal(entering condition: Condition, evidence: Evidence, patterns: [Int: [SessionHistory.Entry]]) -> AttendanceSignal {
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
        case .illness15Days:
            return evidence.signal(.illness15Days, reason: "\(evidence.pupil.illnessSessions) sessions of illness (I) this school year (\(settings.illnessSessions) sessions = 15 school days): the school makes a sickness return and the LA considers its s19 duty",
                                   yearWindow: true, sessions: evidence.absences(where: { $0.code == "I" }, limit: 60))
        case .pattern(let weekday):
            let marks = patterns[weekday] ?? []
            let weeks = Set(marks.map { $0.session.date.weekStart }).count
            return evidence.signal(.pattern, reason: "absent on \(Evidence.weekdayNames[weekday - 1]) in \(weeks) of the last \(settings.patternWindowWeeks) school weeks",
                                   window: marks.first.map { ($0.session.date.weekStart, evidence.latest.date) }, sessions: marks.map(Evidence.mark))
        }
    }

    private func recoveryReason(_ condition: Condition, pupil: PupilState) -> String {
        let rate = Evidence.percent(pupil.figures)
        switch condition {
        case .persistent: return "attendance \(rate) is back above \(100 - settings.thresholds.persistentMissedPercent)%"
        case .severe: return "attendance \(rate) is back above \(100 - settings.thresholds.severeMissedPercent)%"
        case .illness15Days: return "\(pupil.illnessSessions) sessions of illness this school year, below \(settings.illnessSessions) (a mark was amended)"
        default: return ""
        }
    }
}
