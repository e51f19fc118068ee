import AttendanceDomain
import Events

/// The rules judged on the child's whole timeline (``PupilJourney``), across moves and dual registration:
/// the 10-day return and the penalty threshold (DOMAIN.md: the framework's window is the pupil's, not one
/// school's). A signal is reported for the school whose register completed it, with the sessions of every
/// school behind it. Pure: the same timeline and state always give the same signals.
struct JourneyRules: Sendable {
    var settings: DetectorSettings

    /// Whether a mark with this code can change what these rules report: an unauthorised absence (a spell),
    /// a code the threshold counts, or a closure (fewer school weeks in the window).
    func looksAt(_ code: RegisterCode) -> Bool {
        code.category == .unauthorisedAbsence || settings.penaltyCodes.contains(code.code) || code.isClosure
    }

    /// Whether a mark replacing `previous` with `code` can withdraw an offence period: a session the threshold
    /// counted amended to one it does not count.
    func mayWithdraw(previous: RegisterCode, code: RegisterCode) -> Bool {
        settings.penaltyCodes.contains(previous.code) && !settings.penaltyCodes.contains(code.code)
    }

    /// Judges the journey after `changed` was marked with `code` (replacing `previous`, for an amendment) at
    /// one of its schools; updates `state` (spells and offence periods reported). `enrolments` are the
    /// journey's schools' states (for the figures the signal carries); `facts` what the rosters say of the child.
    /// `oldestKept`: the oldest session any enrolment keeps (spells and periods before it are forgotten).
    func judge(_ journey: PupilJourney, state: inout JourneyState, changed: Session, code: RegisterCode, previous: RegisterCode? = nil,
               enrolments: [PupilState], facts: RosterIndex.Facts?, oldestKept: Int32? = nil) -> [AttendanceSignal] {
        guard let first = journey.entries.first else { return [] }
        state.forget(before: oldestKept ?? first.ordinal)
        var signals: [AttendanceSignal] = []
        if code.category == .unauthorisedAbsence {
            signals += continuousUnauthorisedSpell(journey, state: &state, around: changed, enrolments: enrolments)
        }
        var withdrawn = false
        if let previous, mayWithdraw(previous: previous, code: code),
           let withdrawal = withdrawnOffence(journey, state: &state, changed: changed, previous: previous, code: code, enrolments: enrolments, facts: facts) {
            signals.append(withdrawal)
            withdrawn = true
        }
        // Only a session the threshold counts, or a closure (fewer school weeks), can complete an offence period;
        // so can the sessions of a withdrawn one, free again, with others.
        if settings.penaltyCodes.contains(code.code) || code.isClosure || withdrawn {
            let unauthorised = enrolments.reduce(0) { $0 + $1.unauthorisedSessionsKept }
            if unauthorised >= settings.penaltySessions {
                signals += penaltyOffences(journey, state: &state, enrolments: enrolments, facts: facts)
            }
        }
        return signals
    }

    /// The evidence of a signal completed by the entry at `index`: the figures of the enrolment at that school.
    private func evidence(_ journey: PupilJourney, at index: Int, enrolments: [PupilState]) -> Evidence? {
        let school = journey.school(at: index)
        guard let enrolment = enrolments.first(where: { $0.key.school == school }) ?? enrolments.first,
              let latest = enrolment.history.latest, let year = enrolment.currentYear else { return nil }
        return Evidence(pupil: enrolment, year: year, latest: latest.session)
    }

    /// A session of evidence, naming its school when the timeline spans more than one.
    private func mark(_ journey: PupilJourney, _ index: Int) -> AttendanceSignal.SessionMark {
        var mark = Evidence.mark(journey.entries[index])
        if journey.spansSchools { mark.schoolUrn = journey.school(at: index) }
        return mark
    }

    /// " across 2 schools", when the sessions behind a signal come from more than one school (each session
    /// names its school; the reason does not, so that it reads the same to a school that sees only its own).
    private func schoolsNamed(_ journey: PupilJourney, _ indices: some Sequence<Int>) -> String {
        guard journey.spansSchools else { return "" }
        let schools = Set(indices.map(journey.school(at:)))
        return schools.count > 1 ? " across \(schools.count) schools" : ""
    }

    // MARK: The 10-day return

    /// A continuous spell of unauthorised possible sessions (sessions that do not count, such as closures, do
    /// not break it) reaching 10 school days: the school's return to the LA, reported once per spell.
    private func continuousUnauthorisedSpell(_ journey: PupilJourney, state: inout JourneyState, around changed: Session,
                                             enrolments: [PupilState]) -> [AttendanceSignal] {
        let entries = journey.entries
        let position = journey.index(of: Int32(changed.ordinal))
        guard position < entries.count else { return [] }
        func extend(by step: Int) -> Int {
            var edge = position, next = position + step
            while next >= 0 && next < entries.count {
                let code = entries[next].code
                if code.countsInPossibleSessions {
                    guard code.category == .unauthorisedAbsence else { break }
                    edge = next
                }
                next += step
            }
            return edge
        }
        // The merged timeline may hold another school's mark for this session: only an unauthorised one extends.
        guard entries[position].code.category == .unauthorisedAbsence else { return [] }
        let first = extend(by: -1), last = extend(by: 1)
        let spell = (first...last).filter { entries[$0].code.countsInPossibleSessions }
        let needed = settings.continuousUnauthorisedSessions
        guard spell.count >= needed,
              !state.returnedSpells.contains(where: { $0 >= entries[first].ordinal && $0 <= entries[last].ordinal }) else { return [] }
        let completing = spell[needed - 1]
        guard let evidence = evidence(journey, at: completing, enrolments: enrolments) else { return [] }
        state.returnedSpells.insert(entries[completing].ordinal)
        let counted = spell.prefix(needed)
        return [evidence.signal(.unauthorised10Days, asOf: entries[completing].session,
                                reason: "absent without permission for \(needed) consecutive sessions (10 school days) from \(entries[spell[0]].session)\(schoolsNamed(journey, counted)): the school tells the LA",
                                window: (entries[spell[0]].session.date, entries[completing].session.date), sessions: counted.map { mark(journey, $0) })]
    }

    // MARK: The penalty threshold

    struct PenaltyWindow {
        var start: SchoolDate
        var end: SchoolDate
        /// Positions in the journey's entries.
        var sessions: [Int]
    }

    /// Whether each code (by its index in ``RegisterCodeTable/all``) is one the penalty threshold counts.
    var penaltyCodeIndices: [Bool] { RegisterCodeTable.all.map { settings.penaltyCodes.contains($0.code) } }

    /// The positions of the sessions the threshold can still count: the LA's codes, after the offence periods
    /// reported, within compulsory school age when it is known.
    func countable(_ journey: PupilJourney, state: JourneyState, age: CompulsorySchoolAge?) -> [Int] {
        let counts = penaltyCodeIndices
        return journey.entries.indices.filter {
            let entry = journey.entries[$0]
            return counts[Int(entry.codeIndex)] && entry.ordinal > state.penaltyJudgedThrough && !state.penaltyUsedSessions.contains(entry.ordinal)
                && (age?.contains(entry.session.date) ?? true)
        }
    }

    /// The countable sessions within the last `penaltyWindowWeeks` school weeks up to `end` (what the pupil API shows).
    func penaltyWindow(_ journey: PupilJourney, state: JourneyState, endingAt end: SchoolDate, age: CompulsorySchoolAge? = nil) -> PenaltyWindow {
        let weeks = journey.schoolWeeks.filter { $0 <= end.weekStart.dayNumber }
        guard !weeks.isEmpty else { return PenaltyWindow(start: end, end: end, sessions: []) }
        let start = SchoolDate(dayNumber: weeks[max(0, weeks.count - settings.penaltyWindowWeeks)])
        return PenaltyWindow(start: start, end: end, sessions: countable(journey, state: state, age: age).filter {
            let date = journey.entries[$0].session.date
            return date >= start && date <= end
        })
    }

    /// Each offence period completed: the first run of `penaltySessions` countable sessions within
    /// `penaltyWindowWeeks` school weeks, then the next after it, and so on. Each is reported once and its
    /// sessions are used up. A child looked after gets `looked_after_absence_threshold` instead, never the
    /// penalty one; sessions outside compulsory school age do not count.
    private func penaltyOffences(_ journey: PupilJourney, state: inout JourneyState, enrolments: [PupilState],
                                 facts: RosterIndex.Facts?) -> [AttendanceSignal] {
        var candidates = countable(journey, state: state, age: facts?.compulsorySchoolAge)
        guard candidates.count >= settings.penaltySessions else { return [] }
        let weeks = journey.schoolWeeks
        var signals: [AttendanceSignal] = []
        while candidates.count >= settings.penaltySessions, let offence = firstOffence(journey, candidates, weeks: weeks) {
            let last = offence.sessions[offence.sessions.count - 1]
            guard let evidence = evidence(journey, at: last, enrolments: enrolments) else { break }
            let used = Set(offence.sessions)
            let ordinals = offence.sessions.map { journey.entries[$0].ordinal }
            state.penaltyUsedSessions.formUnion(ordinals)
            state.penaltyPeriods.append(ordinals)
            candidates.removeAll { used.contains($0) }
            let lookedAfter = facts?.lookedAfter == true
            let codes = settings.penaltyCodes.sorted().joined(separator: ", ")
            let action = lookedAfter ? "a child looked after: tell the virtual school and the social worker (no enforcement)" : "consider a penalty notice"
            signals.append(evidence.signal(lookedAfter ? .lookedAfterAbsenceThreshold : .penaltyNoticeThreshold, asOf: journey.entries[last].session,
                                           reason: "\(offence.sessions.count) sessions coded \(codes) within \(settings.penaltyWindowWeeks) school weeks\(schoolsNamed(journey, offence.sessions)) (threshold \(settings.penaltySessions))\(state.penaltyWithdrawals > 0 ? " (earlier thresholds withdrawn: \(state.penaltyWithdrawals))" : ""): \(action)",
                                           window: (offence.start, offence.end), sessions: offence.sessions.map { mark(journey, $0) }))
        }
        return signals
    }

    /// The offence period holding `changed`, withdrawn when the amendment leaves fewer of its sessions counted
    /// than the threshold: reported as `threshold_withdrawn`, and its sessions can count again. A session the
    /// timeline no longer holds (older than the history kept) is taken as still counted.
    private func withdrawnOffence(_ journey: PupilJourney, state: inout JourneyState, changed: Session, previous: RegisterCode, code: RegisterCode,
                                  enrolments: [PupilState], facts: RosterIndex.Facts?) -> AttendanceSignal? {
        let ordinal = Int32(changed.ordinal)
        guard let index = state.penaltyPeriods.firstIndex(where: { $0.contains(ordinal) }) else { return nil }
        let period = state.penaltyPeriods[index]
        let counts = penaltyCodeIndices
        let positions = period.compactMap(journey.entries.position(ofExactly:))
        let stillCounted = period.count - positions.count { !counts[Int(journey.entries[$0].codeIndex)] }
        guard stillCounted < settings.penaltySessions else { return nil }
        let changedPosition = journey.index(of: ordinal)
        guard changedPosition < journey.entries.count, let evidence = evidence(journey, at: changedPosition, enrolments: enrolments) else { return nil }
        state.penaltyPeriods.remove(at: index)
        state.penaltyUsedSessions.subtract(period)
        state.penaltyWithdrawals += 1
        let withdrawnKind: AttendanceSignal.Kind = facts?.lookedAfter == true ? .lookedAfterAbsenceThreshold : .penaltyNoticeThreshold
        let completed = Session(ordinal: Int(period[period.count - 1]))
        let codes = settings.penaltyCodes.sorted().joined(separator: ", ")
        return evidence.signal(.thresholdWithdrawn, asOf: changed, recoveredFrom: withdrawnKind,
                                     reason: "\(changed) amended from \(previous.code) to \(code.code): \(stillCounted) of the offence period's \(period.count) sessions are still coded \(codes), below the threshold (\(settings.penaltySessions)): the threshold reached on \(completed) no longer stands\(state.penaltyWithdrawals > 1 ? " (withdrawal \(state.penaltyWithdrawals))" : "")",
                                     window: (Session(ordinal: Int(period[0])).date, completed.date), sessions: positions.map { mark(journey, $0) })
    }

    /// The earliest point at which `penaltySessions` of the candidates fall within `penaltyWindowWeeks` school weeks.
    private func firstOffence(_ journey: PupilJourney, _ candidates: [Int], weeks: [Int]) -> PenaltyWindow? {
        func weekIndex(_ position: Int) -> Int {
            let week = journey.entries[position].session.date.weekStart.dayNumber
            var low = 0, high = weeks.count
            while low < high {
                let middle = (low + high) / 2
                if weeks[middle] < week { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let indices = candidates.map(weekIndex)
        var left = 0
        for right in candidates.indices {
            while indices[right] - indices[left] >= settings.penaltyWindowWeeks { left += 1 }
            if right - left + 1 >= settings.penaltySessions {
                let firstWeek = weeks[max(0, indices[right] - settings.penaltyWindowWeeks + 1)]
                return PenaltyWindow(start: SchoolDate(dayNumber: firstWeek), end: journey.entries[candidates[right]].session.date,
                                     sessions: Array(candidates[left...right]))
            }
        }
        return nil
    }
}
