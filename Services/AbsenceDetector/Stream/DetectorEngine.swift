import AttendanceDomain
import Events
import Logging

/// The pupils of the partitions this instance owns, in memory, changed event by event in topic order.
/// Owned by one task (the marks consumer); not shared.
struct DetectorEngine {
    private(set) var pupils: [PupilKey: PupilState] = [:]
    let rules: SignalRules
    let journeyRules: JourneyRules
    let families: RosterIndex
    /// Pupils changed since the last ``takeChanged()``: what the next transaction writes.
    private(set) var changed: Set<PupilKey> = []
    /// The schools of each UPN among `pupils`.
    private var schoolsOf: [String: [String]] = [:]
    /// The pupils' state across their schools, by UPN: for the pupils of the batch in flight, as read (and
    /// locked) from PostgreSQL before it (``prepareJourneys(_:)``); in a test, whatever was judged here.
    var journeys: [String: JourneyState] = [:]
    /// Enrolments of the batch's pupils at schools of partitions another instance owns, read with the journeys.
    var enrolmentsElsewhere: [String: [PupilState]] = [:]
    /// Journeys changed since the last ``takeChangedJourneys()``.
    private(set) var changedJourneys: Set<String> = []
    /// The partitions whose pupils are in `pupils`.
    private(set) var partitions: Set<Int32> = []
    /// Marks recorded for pupils not on their school's roll that day (kept, not judged), since the last ``takeOffRollMarks()``.
    private(set) var offRollMarks = 0

    /// The codes whose marks the journey rules look at (``JourneyRules/looksAt(_:)``), for one lookup a mark.
    private let journeyCodes: Set<String>

    init(settings: DetectorSettings, families: RosterIndex = RosterIndex()) {
        rules = SignalRules(settings: settings)
        journeyRules = JourneyRules(settings: settings)
        journeyCodes = Set(RegisterCodeTable.all.filter(journeyRules.looksAt).map(\.code))
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
            // Before the school admitted the pupil or after they left: the mark is kept (the figures), not judged.
            let onRoll = families.isOnRoll(key, on: day)
            var isNew = false
            // Mutated in place: one hash lookup, no copy of the pupil's history.
            let change = { (pupil: inout PupilState) -> PupilState.MarkChange in
                isNew = pupil.history.entries.isEmpty
                pupil.partition = partition
                let change = pupil.record(when, code: code)
                if case .unchanged = change { return change }
                if onRoll { signals += rules.evaluate(&pupil, changed: when) }
                return change
            }(&pupils[key, default: PupilState(key: key, partition: partition)])
            if isNew {
                schoolsOf[mark.upn, default: []].append(school)
                partitions.insert(partition)
            }
            var previous: RegisterCode?
            switch change {
            case .unchanged: continue
            case .added: break
            case .replaced(let code): previous = code
            }
            changed.insert(key)
            if !onRoll {
                offRollMarks += 1
                continue
            }
            if code.category.isAbsence { signals += siblingsAbsentTogether(key, on: when) }
            if journeyCodes.contains(code.code) || previous.map({ journeyRules.mayWithdraw(previous: $0, code: code) }) == true {
                signals += judgeJourney(of: key, changed: when, code: code, previous: previous)
            }
        }
        return signals
    }

    /// Judges the pupil's whole timeline (every school held here or read from elsewhere) after a mark at one school.
    private mutating func judgeJourney(of key: PupilKey, changed session: Session, code: RegisterCode, previous: RegisterCode?) -> [AttendanceSignal] {
        let here = (schoolsOf[key.upn] ?? []).compactMap { pupils[PupilKey(school: $0, upn: key.upn)] }
        let enrolments = here.count == 1 && enrolmentsElsewhere.isEmpty
            ? here : here + (enrolmentsElsewhere[key.upn] ?? []).filter { other in !here.contains { $0.key == other.key } }
        // Below the threshold and too short for a spell at every school together: nothing to walk, unless an
        // amendment may have taken a reported offence period below it.
        let unauthorised = enrolments.reduce(0) { $0 + $1.unauthorisedSessionsKept }
        guard unauthorised >= min(journeyRules.settings.penaltySessions, journeyRules.settings.continuousUnauthorisedSessions)
              || previous.map({ journeyRules.mayWithdraw(previous: $0, code: code) }) == true else { return [] }
        // The child's facts from every school: looked after at any of them, compulsory school age from any.
        let known = enrolments.compactMap { families.facts(of: $0.key) }
        let facts = RosterIndex.Facts(lookedAfter: known.contains { $0.lookedAfter }, compulsorySchoolAge: known.lazy.compactMap(\.compulsorySchoolAge).first)
        var state = journeys[key.upn] ?? JourneyState()
        let journey = PupilJourney(upn: key.upn, enrolments: enrolments, onRoll: { [families] in families.rollSessions($0) })
        let oldest = enrolments.compactMap { $0.history.entries.first?.ordinal }.min()
        let signals = journeyRules.judge(journey, state: &state, changed: session, code: code, previous: previous,
                                         enrolments: enrolments, facts: facts, oldestKept: oldest)
        if state != journeys[key.upn] ?? JourneyState() {
            journeys[key.upn] = state
            changedJourneys.insert(key.upn)
        }
        return signals
    }

    /// The UPNs of these messages' marks that the journey rules will look at: the pupils whose journeys the
    /// batch must lock and read before it is applied.
    func journeyCandidates(_ messages: [DecodedMarks]) -> Set<String> {
        var upns: Set<String> = []
        for message in messages {
            for mark in message.marks where journeyCodes.contains(mark.code) { upns.insert(mark.upn) }
            // An amendment away from a code the threshold counted may withdraw an offence period. (A session
            // marked earlier in this batch with such a code made its pupil a candidate already.)
            guard message.isAmendment, let day = SchoolDate(iso: message.date), let half = SessionHalf(parsing: message.session) else { continue }
            let ordinal = Int32(Session(date: day, half: half).ordinal)
            for mark in message.marks where !journeyCodes.contains(mark.code) {
                guard let code = RegisterCodeTable.byCode[mark.code], let history = pupils[PupilKey(school: message.school, upn: mark.upn)]?.history else { continue }
                if let position = history.entries.position(ofExactly: ordinal), journeyRules.mayWithdraw(previous: history.entries[position].code, code: code) {
                    upns.insert(mark.upn)
                }
            }
        }
        return upns
    }

    /// Sets the journeys and the enrolments elsewhere of the batch's pupils (``journeyCandidates(_:)``), as read
    /// from PostgreSQL; a pupil with no stored journey starts from none.
    mutating func prepareJourneys(stored: [String: JourneyState], elsewhere: [PupilState]) {
        journeys = stored
        enrolmentsElsewhere = Dictionary(grouping: elsewhere, by: \.key.upn)
    }

    mutating func takeOffRollMarks() -> Int {
        defer { offRollMarks = 0 }
        return offRollMarks
    }

    mutating func takeChangedJourneys() -> [(upn: String, state: JourneyState)] {
        defer { changedJourneys = [] }
        return changedJourneys.sorted().compactMap { upn in journeys[upn].map { (upn, $0) } }
    }

    /// Applies an `attendance.marks` message: one decode, whichever of the two event types it carries.
    mutating func apply(message bytes: some Collection<UInt8>, partition: Int32, logger: Logger) throws(EventDecodingError) -> [AttendanceSignal] {
        guard let decoded = try DecodedMarks(bytes, partition: partition, logger: logger) else { return [] }
        return apply(decoded, logger: logger)
    }

    mutating func apply(_ decoded: DecodedMarks, logger: Logger) -> [AttendanceSignal] {
        apply(school: decoded.school, date: decoded.date, session: decoded.session, marks: decoded.marks, partition: decoded.partition, logger: logger)
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
        for pupil in loaded {
            if pupils.updateValue(pupil, forKey: pupil.key) == nil { schoolsOf[pupil.key.upn, default: []].append(pupil.key.school) }
        }
        self.partitions.formUnion(partitions)
    }

    mutating func drop(partitions: Set<Int32>) {
        pupils = pupils.filter { !partitions.contains($0.value.partition) }
        changed = changed.filter { pupils[$0] != nil }
        self.partitions.subtract(partitions)
        schoolsOf = [:]
        for key in pupils.keys { schoolsOf[key.upn, default: []].append(key.school) }
        // What memory judged since the last commit may be ahead of PostgreSQL: read again before the next batch.
        journeys = [:]
        changedJourneys = []
        offRollMarks = 0
    }
}

/// One `attendance.marks` event, decoded once: `MarksRecorded`'s marks or `MarksAmended`'s new codes.
struct DecodedMarks: Sendable {
    var school: String
    var date: String
    var session: String
    var marks: [(upn: String, code: String)]
    var partition: Int32
    /// `MarksAmended`: sessions marked before, given new codes.
    var isAmendment = false

    /// Nil for an event of another type (ignored).
    init?(_ bytes: some Collection<UInt8>, partition: Int32, logger: Logger) throws(EventDecodingError) {
        let type: String, event: MarksMessage
        if let parsed = MarksMessageParser.parse(bytes) {
            (type, event) = parsed
        } else {
            let envelope = try EventCodec.decode(MarksMessage.self, from: bytes)
            (type, event) = (envelope.type, envelope.data)
        }
        switch type {
        case MarksRecorded.type: marks = (event.marks ?? []).map { ($0.upn, $0.code) }
        case MarksAmended.type:
            marks = (event.amendments ?? []).map { ($0.upn, $0.code) }
            isAmendment = true
        case let other:
            logger.debug("attendance.marks event of another type ignored", metadata: ["type": "\(other)"])
            return nil
        }
        (school, date, session, self.partition) = (event.schoolUrn, event.date, event.session, partition)
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
