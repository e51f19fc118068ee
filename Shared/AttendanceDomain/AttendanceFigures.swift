/// A pupil's sums over a period, counted from the latest mark of each session.
public struct AttendanceFigures: Sendable, Hashable, Codable {
    public var possibleSessions = 0
    public var present = 0
    public var approvedEducationalActivity = 0
    public var authorisedAbsence = 0
    public var unauthorisedAbsence = 0
    /// Sessions with a code that does not count in possible sessions (`D`, `X`, `Y1`..`Y7`, `Z`, `#`, ...).
    public var notCounted = 0

    public init() {}

    public init(possibleSessions: Int, present: Int, approvedEducationalActivity: Int, authorisedAbsence: Int, unauthorisedAbsence: Int, notCounted: Int) {
        self.possibleSessions = possibleSessions
        self.present = present
        self.approvedEducationalActivity = approvedEducationalActivity
        self.authorisedAbsence = authorisedAbsence
        self.unauthorisedAbsence = unauthorisedAbsence
        self.notCounted = notCounted
    }

    /// Sums a sequence of codes, one per session.
    public init(codes: some Sequence<RegisterCode>) {
        for code in codes { add(code) }
    }

    public mutating func add(_ code: RegisterCode) { apply(code, sign: 1) }

    /// Takes a session's code back out, for an amendment (remove the old code, add the new).
    public mutating func remove(_ code: RegisterCode) { apply(code, sign: -1) }

    private mutating func apply(_ code: RegisterCode, sign: Int) {
        if code.countsInPossibleSessions { possibleSessions += sign }
        switch code.category {
        case .present: present += sign
        case .approvedEducationalActivity: approvedEducationalActivity += sign
        case .authorisedAbsence: authorisedAbsence += sign
        case .unauthorisedAbsence: unauthorisedAbsence += sign
        case .notCounted: notCounted += sign
        }
    }

    /// Sessions attended: present plus approved educational activity.
    public var attended: Int { present + approvedEducationalActivity }

    /// Possible sessions the pupil missed (authorised plus unauthorised absence).
    public var missed: Int { possibleSessions - attended }

    /// Attendance rate in percent, for display only. Thresholds use ``AbsenceThresholds`` and integers.
    public var attendanceRate: Double? {
        possibleSessions == 0 ? nil : Double(attended) * 100 / Double(possibleSessions)
    }
}
