/// What register-ingest publishes on `attendance.marks`: only what the detector needs (school, pupil
/// UPN, date, session, code), one message per register submission, never one per mark.
public struct MarksRecorded: Codable, Sendable, Equatable {
    public static let type = "attendance.marks-recorded"
    public static let version = 1

    public struct Mark: Codable, Sendable, Equatable {
        public var upn: String
        public var code: String
        public init(upn: String, code: String) {
            self.upn = upn
            self.code = code
        }
    }

    public var schoolUrn: String
    /// `YYYY-MM-DD`.
    public var date: String
    /// `AM` or `PM`.
    public var session: String
    /// The marks new to this session (resent, unchanged marks are not repeated).
    public var marks: [Mark]

    public init(schoolUrn: String, date: String, session: String, marks: [Mark]) {
        self.schoolUrn = schoolUrn
        self.date = date
        self.session = session
        self.marks = marks
    }
}

/// Marks whose code changed after they were recorded (an `N` recoded `I` when a parent rings).
public struct MarksAmended: Codable, Sendable, Equatable {
    public static let type = "attendance.marks-amended"
    public static let version = 1

    public struct Amendment: Codable, Sendable, Equatable {
        public var upn: String
        public var previousCode: String
        public var code: String
        public init(upn: String, previousCode: String, code: String) {
            self.upn = upn
            self.previousCode = previousCode
            self.code = code
        }
    }

    public var schoolUrn: String
    public var date: String
    public var session: String
    public var amendments: [Amendment]

    public init(schoolUrn: String, date: String, session: String, amendments: [Amendment]) {
        self.schoolUrn = schoolUrn
        self.date = date
        self.session = session
        self.amendments = amendments
    }
}
