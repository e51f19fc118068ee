/// How a register code counts in a pupil's figures (DfE, from 19 August 2024).
public enum AttendanceCategory: String, Sendable, CaseIterable, Codable {
    case present
    case approvedEducationalActivity = "approved_educational_activity"
    case authorisedAbsence = "authorised_absence"
    case unauthorisedAbsence = "unauthorised_absence"
    case notCounted = "not_counted"

    /// Whether a session in this category is one the pupil attended (present or approved activity).
    public var isAttendance: Bool { self == .present || self == .approvedEducationalActivity }

    /// Whether a session in this category is an absence (authorised or unauthorised).
    public var isAbsence: Bool { self == .authorisedAbsence || self == .unauthorisedAbsence }
}

/// One attendance or absence code of the School Attendance (Pupil Registration) (England) Regulations 2024.
///
/// The table lives in ``RegisterCodeTable`` as data, so a change in the regulations is a change of data.
public struct RegisterCode: Sendable, Hashable, CustomStringConvertible {
    /// The code as written in the register, for example `/`, `N` or `Y1`.
    public let code: String
    /// What the code means, in DfE's words.
    public let meaning: String
    public let category: AttendanceCategory
    /// Whether a session with this code counts in the pupil's possible sessions.
    public let countsInPossibleSessions: Bool

    public init(code: String, meaning: String, category: AttendanceCategory, countsInPossibleSessions: Bool) {
        self.code = code
        self.meaning = meaning
        self.category = category
        self.countsInPossibleSessions = countsInPossibleSessions
    }

    public var description: String { code }

    /// Parses a code from a register. Rejects unknown codes, and names the replacement of a withdrawn one.
    public init(parsing raw: String) throws(RegisterCodeError) {
        if let known = RegisterCodeTable.byCode[raw] {
            self = known
            return
        }
        if let withdrawn = RegisterCodeTable.withdrawn[raw] {
            throw .withdrawn(code: raw, replacements: withdrawn)
        }
        throw .unknown(code: raw)
    }

    /// `N`: absent and no reason given yet. First-day calling starts here.
    public var isReasonNotYetProvided: Bool { code == "N" }

    /// `N` or `O`: absent with no reason the school accepts, the codes of an unexplained spell.
    public var isUnexplainedAbsence: Bool { code == "N" || code == "O" }

    /// `#` or `Y1` to `Y7`: the school closed, or the pupil could not attend. A week of only these is no school week.
    public var isClosure: Bool { code == "#" || code.hasPrefix("Y") }
}

/// Why a register code was refused.
public enum RegisterCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(code: String)
    case withdrawn(code: String, replacements: [String])

    public var description: String {
        switch self {
        case .unknown(let code):
            return "code \(code.isEmpty ? "(empty)" : code) is not a DfE 2024 register code"
        case .withdrawn(let code, let replacements):
            let use: String
            if replacements.count > 2 {
                use = "one of \(replacements.first!)..\(replacements.last!)"
            } else {
                use = replacements.joined(separator: " or ")
            }
            return "code \(code) was withdrawn on 19 August 2024; use \(use)"
        }
    }
}
