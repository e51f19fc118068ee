import AttendanceDomain
import Events
import Logging

/// The pupils of the partitions this instance owns, in memory, changed event by event in topic order.
/// Owned by one task (the marks consumer); not shared.
struct DetectorEngine {
    var pupils: [PupilKey: PupilState] = [:]
    let rules: SignalRules
    let families: RosterIndex
    /// Pupils changed since the last ``takeChanged()``: what the next transaction writes.
    private(set) var changed: Set<PupilKey> = []

    init(settings: DetectorSettings, families: RosterIndex = RosterIndex()) {
        rules = SignalRules(settings: settings)
        self.families = families
    }

    /// Applies one session's marks (a register's new marks, or amendments) and returns the signals.
    /// A mark equal to the stored one changes nothing, so a repeated event emits nothing.
    mutating func apply(school: String, date: String, session: String, marks: [(upn: String, code: String)], partition: Int32,
                        logger: Logger) -> [AttendanceSignal] {
        guard let day = SchoolDate(iso: date), let half = SessionHalf(parsing: session) else {
            logger.warning("attendance.marks event with an unreadable session skipped", metadata: ["school": "\(school)", "date": "\(date)", "session": "\(session)"])
            return []
        }
        let when = Session(date: day, half: half)
        var signals: [AttendanceSignal] = []
        for mark in marks {
            guard let code = RegisterCodeTable.byCode[mark.code] else {
                logger.warning("attendance.marks event with an unknown code skipped", metadata: ["school": "\(school)", "code": "\(mark.code)"])
                continue
            }
            let key = PupilKey(school: school, upn: mark.upn)
            let facts = families.facts(of: key)
            // Mutated in place: one hash lookup, no copy of the pupil's history.
            let recorded = { (pupil: inout PupilState) -> Bool in
                pupil.partition = partition
                guard pupil.record(when, code: code) else { return false }
                signals += rules.evaluate(&pupil, changed: when, facts: facts)
                return true
            }(&pupils[key, default: PupilState(key: key, partition: partition)])
            if recorded {
                changed.insert(key)
                if code.category.isAbsence { signals += siblingsAbsentTogether(key, on: when) }
            }
        }
        return signals
    }

    /// Applies an `attendance.marks` message: one decode, whichever of the two event types it carries.
    mutating func apply(message bytes: some Collection<UInt8>, partition: Int32, logger: Logger) throws(EventDecodingError) -> [AttendanceSignal] {
        let type: String, event: MarksMessage
        if let parsed = MarksMessageParser.parse(bytes) {
            (type, event) = parsed
        } else {
            let envelope = try EventCodec.decode(MarksMessage.self, from: bytes)
            (type, event) = (envelope.type, envelope.data)
        }
        switch type {
        case MarksRecorded.type:
            return apply(school: event.schoolUrn, date: event.date, session: event.session, marks: (event.marks ?? []).map { ($0.upn, $0.code) },
                         partition: partition, logger: logger)
        case MarksAmended.type:
            return apply(school: event.schoolUrn, date: event.date, session: event.session, marks: (event.amendments ?? []).map { ($0.upn, $0.code) },
                         partition: partition, logger: logger)
        case let other:
            logger.debug("attendance.marks event of another type ignored", metadata: ["type": "\(other)"])
            return []
        }
    }

    /// A `pattern` signal when brothers or sisters (same family id, any school this instance holds) are
    /// absent on the same day as this pupil's new absence. Reported by whichever absence completes it;
    /// the signal's id comes from the day and the siblings, so it is queued once.
    mutating func siblingsAbsentTogether(_ key: PupilKey, on session: Session) -> [AttendanceSignal] {
        let siblings = families.siblings(of: key)
        guard !siblings.isEmpty, let pupil = pupils[key] else { return [] }
        let day = Int32(session.date.dayNumber)
        func absences(of state: PupilState) -> [SessionHistory.Entry] {
            let start = state.history.index(of: day * 2)
            return state.history.entries[start...].prefix { $0.ordinal >> 1 == day }.filter { $0.code.category.isAbsence }
        }
        var together: [(PupilKey, [SessionHistory.Entry])] = []
        for sibling in siblings {
            guard let state = pupils[sibling] else { continue }
            let missed = absences(of: state)
            if !missed.isEmpty { together.append((sibling, missed)) }
        }
        guard !together.isEmpty, let year = pupil.currentYear else { return [] }
        let evidence = Evidence(pupil: pupil, year: year, latest: session)
        let siblingsShown = together.map { key, missed in
            AttendanceSignal.Sibling(upn: key.upn, schoolUrn: key.school, sessions: missed.map(Evidence.mark))
        }
        var signal = evidence.signal(.pattern, asOf: Session(date: session.date, half: .am),
                                     reason: "absent on \(session.date.iso) together with siblings",
                                     window: (session.date, session.date), sessions: absences(of: pupil).map(Evidence.mark))
        signal.siblings = siblingsShown
        return [signal]
    }

    mutating func takeChanged() -> [PupilState] {
        defer { changed = [] }
        return changed.compactMap { pupils[$0] }
    }

    /// Replaces the state of these partitions with what was loaded from PostgreSQL.
    mutating func replace(partitions: Set<Int32>, with loaded: [PupilState]) {
        drop(partitions: partitions)
        for pupil in loaded { pupils[pupil.key] = pupil }
    }

    mutating func drop(partitions: Set<Int32>) {
        pupils = pupils.filter { !partitions.contains($0.value.partition) }
        changed = changed.filter { pupils[$0] != nil }
    }
}

/// The data of either event on `attendance.marks`: `MarksRecorded` has `marks`, `MarksAmended` has
/// `amendments` (each with the new `code`).
struct MarksMessage: Codable, Sendable, Equatable {
    struct Mark: Codable, Sendable, Equatable {
        var upn: String
        var code: String
    }
    var schoolUrn: String
    var date: String
    var session: String
    var marks: [Mark]?
    var amendments: [Mark]?
}
