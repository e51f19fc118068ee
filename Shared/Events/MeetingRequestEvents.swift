/// On `pathway.meeting-requests` (pathway-coordinator to meeting-scheduler, keyed by case id): a case asks
/// for a slot at the AttendancePathway meeting. It carries what seeds/001 asks for a booking (the child's
/// name, date of birth and school on roll), the lead professional and what orders the queue; the case
/// overview, concerns and evidence stay in the coordinator and are served to panel members as the panel pack.
public struct MeetingRequested: Codable, Sendable, Equatable {
    public static let type = "meeting.requested"
    public static let version = 1

    public struct LeadProfessional: Codable, Sendable, Equatable {
        /// The person's id at the LA's identity provider.
        public var subject: String
        public var name: String
        /// `school`, `early_help`, `social_care`, `la_attendance`.
        public var service: String
        public init(subject: String, name: String, service: String) {
            self.subject = subject
            self.name = name
            self.service = service
        }
    }

    /// What orders the queue (shared/PATHWAY.md §3.1).
    public struct Urgency: Codable, Sendable, Equatable {
        /// Year-to-date attendance at referral, percent; nil before the first possible session.
        public var attendancePercent: Double?
        public var severeAbsence: Bool
        /// The earliest hard deadline (a limitation date, a notice's end, a court direction), ISO date.
        public var hardDeadline: String?
        public init(attendancePercent: Double?, severeAbsence: Bool, hardDeadline: String?) {
            self.attendancePercent = attendancePercent
            self.severeAbsence = severeAbsence
            self.hardDeadline = hardDeadline
        }
    }

    /// `AP-2026-0153`.
    public var caseId: String
    /// One per referral: a case referred again after further recommendations asks again under a new id.
    public var referralId: String
    public var upn: String
    public var forename: String
    public var surname: String
    public var dateOfBirth: String
    public var schoolUrn: String
    public var schoolName: String?
    public var leadProfessional: LeadProfessional
    public var urgency: Urgency
    /// Subjects (people's ids) who must attend besides the panel: the lead professional, the caseworker.
    public var requiredAttendees: [String]
    /// Meetings missed or rebooked ahead of others: a deferred case comes back at top priority.
    public var topPriority: Bool

    public init(caseId: String, referralId: String, upn: String, forename: String, surname: String, dateOfBirth: String, schoolUrn: String,
                schoolName: String?, leadProfessional: LeadProfessional, urgency: Urgency, requiredAttendees: [String], topPriority: Bool = false) {
        self.caseId = caseId
        self.referralId = referralId
        self.upn = upn
        self.forename = forename
        self.surname = surname
        self.dateOfBirth = dateOfBirth
        self.schoolUrn = schoolUrn
        self.schoolName = schoolName
        self.leadProfessional = leadProfessional
        self.urgency = urgency
        self.requiredAttendees = requiredAttendees
        self.topPriority = topPriority
    }
}

/// On `pathway.meeting-requests`: the case no longer asks for the meeting (the child became looked after,
/// the case closed): a booking made for it is cancelled.
public struct MeetingRequestWithdrawn: Codable, Sendable, Equatable {
    public static let type = "meeting.request-withdrawn"
    public static let version = 1

    public var caseId: String
    public var referralId: String
    public var reason: String

    public init(caseId: String, referralId: String, reason: String) {
        self.caseId = caseId
        self.referralId = referralId
        self.reason = reason
    }
}
