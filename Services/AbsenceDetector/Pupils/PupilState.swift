import AttendanceDomain

/// A pupil at a school: the detector's state is kept per school enrolment, the key of `attendance.marks`.
struct PupilKey: Hashable, Sendable {
    var school: String
    var upn: String
}

/// A state the detector reports when a pupil enters it (and, for some, when the pupil leaves it). The
/// penalty threshold and the 10-day return are not states: each offence period and each spell is reported
/// once, across the pupil's schools (``JourneyState``).
enum Condition: Hashable, Sendable {
    case emerging, persistent, severe, illness15Days
    /// The same weekday (1 = Monday) missed in most of the last weeks.
    case pattern(weekday: Int)

    /// Conditions judged on the academic year's figures; they start again with a new year.
    var isYearScoped: Bool {
        switch self {
        case .pattern: return false
        default: return true
        }
    }

    var stored: String {
        switch self {
        case .emerging: return "emerging"
        case .persistent: return "persistent"
        case .severe: return "severe"
        case .illness15Days: return "illness_15_days"
        case .pattern(let weekday): return "pattern:\(weekday)"
        }
    }

    init?(stored: Substring) {
        switch stored {
        case "emerging": self = .emerging
        case "persistent": self = .persistent
        case "severe": self = .severe
        case "illness_15_days": self = .illness15Days
        default:
            guard stored.hasPrefix("pattern:"), let weekday = Int(stored.dropFirst("pattern:".count)) else { return nil }
            self = .pattern(weekday: weekday)
        }
    }
}

/// Everything the detector knows about one pupil at one school.
struct PupilState: Sendable, Equatable {
    let key: PupilKey
    var partition: Int32
    var history = SessionHistory()
    /// The conditions the pupil is in now, as last reported.
    var conditions: Set<Condition> = []
    /// The academic year (start year) the year-scoped conditions belong to.
    var conditionsYear = 0
    /// Sessions that started an absence spell and were reported as first-day absences.
    var signalledSpells: Set<Int32> = []
    /// Of those, the ones amended to an explained code and reported as `first_day_absence_explained`.
    var explainedSpells: Set<Int32> = []
    /// Year-to-date figures of `figuresYear`, kept up to date mark by mark.
    private(set) var figures = AttendanceFigures()
    private(set) var figuresYear = 0
    /// Illness (`I`) sessions of `figuresYear`.
    private(set) var illnessSessions = 0
    /// Unauthorised sessions in the whole history kept: below the penalty threshold (summed over the pupil's
    /// schools) no window can reach it (the LA's penalty codes are unauthorised ones), so it is not walked.
    private(set) var unauthorisedSessionsKept = 0

    init(key: PupilKey, partition: Int32) {
        self.key = key
        self.partition = partition
    }

    init(key: PupilKey, partition: Int32, history: SessionHistory, conditions: Set<Condition>, conditionsYear: Int, signalledSpells: Set<Int32>,
         explainedSpells: Set<Int32> = []) {
        self.key = key
        self.partition = partition
        self.history = history
        self.conditions = conditions
        self.conditionsYear = conditionsYear
        self.signalledSpells = signalledSpells
        self.explainedSpells = explainedSpells
        unauthorisedSessionsKept = history.entries.count { $0.code.category == .unauthorisedAbsence }
        recount()
    }

    /// The academic year of the latest marked session.
    var currentYear: AcademicYear? { history.latest.map { AcademicYear(containing: $0.session.date) } }

    /// What recording a mark changed.
    enum MarkChange {
        /// The session already had this code, or is older than the history kept.
        case unchanged
        case added
        /// An amendment: the code the session had.
        case replaced(RegisterCode)
    }

    /// Records a mark.
    @discardableResult
    mutating func record(_ session: Session, code: RegisterCode) -> MarkChange {
        guard let index = SessionHistory.codeIndex[code.code] else { return .unchanged }
        // Older than the history kept (the last academic year and this one): it would be trimmed at once.
        if let current = currentYear, AcademicYear(containing: session.date).startYear < current.startYear - 1 { return .unchanged }
        let ordinal = Int32(session.ordinal)
        let previous = history.set(ordinal, codeIndex: index)
        if previous == index { return .unchanged }
        if let previous, RegisterCodeTable.all[Int(previous)].category == .unauthorisedAbsence { unauthorisedSessionsKept -= 1 }
        if code.category == .unauthorisedAbsence { unauthorisedSessionsKept += 1 }
        let year = AcademicYear(containing: session.date).startYear
        if year == figuresYear {
            if let previous {
                figures.remove(RegisterCodeTable.all[Int(previous)])
                if RegisterCodeTable.all[Int(previous)].code == "I" { illnessSessions -= 1 }
            }
            figures.add(code)
            if code.code == "I" { illnessSessions += 1 }
        } else if year > figuresYear {
            recount()
        }
        // Keep this year and the last: the penalty window can reach back across the summer.
        if let current = currentYear, history.entries.first.map({ AcademicYear(containing: $0.session.date).startYear < current.startYear - 1 }) == true {
            history.drop(before: Int32(Session(date: AcademicYear(startYear: current.startYear - 1).firstDay, half: .am).ordinal))
            unauthorisedSessionsKept = history.entries.count { $0.code.category == .unauthorisedAbsence }
            let first = history.entries.first?.ordinal ?? 0
            signalledSpells = signalledSpells.filter { $0 >= first }
            explainedSpells = explainedSpells.filter { $0 >= first }
        }
        return previous.map { .replaced(RegisterCodeTable.all[Int($0)]) } ?? .added
    }

    /// Recomputes the year-to-date figures of the current year from the history.
    private mutating func recount() {
        guard let year = currentYear else {
            figures = AttendanceFigures()
            figuresYear = 0
            illnessSessions = 0
            return
        }
        let start = Int32(Session(date: year.firstDay, half: .am).ordinal)
        let codes = history.entries[history.index(of: start)...].map(\.code)
        figures = AttendanceFigures(codes: codes)
        illnessSessions = codes.count { $0.code == "I" }
        figuresYear = year.startYear
    }
}
