/// On `notification.requests` (pathway-coordinator to notification, keyed by school URN): a message someone
/// must be sent. It names the recipient by role and, for a parent, by MIS `contactId`; the notification
/// service holds the addresses. `fields` fill the template; no contact details travel here.
public struct NotificationRequested: Codable, Sendable, Equatable {
    public static let type = "notification.requested"
    public static let version = 1

    public enum Audience: String, Codable, Sendable {
        case parent
        case schoolLead = "school_lead"
        case laOfficer = "la_officer"
        case socialWorker = "social_worker"
        case virtualSchool = "virtual_school"
        case leadProfessional = "lead_professional"
    }

    /// Unique per message: the notification service's idempotency key starts from it.
    public var requestId: String
    public var caseId: String?
    public var schoolUrn: String
    public var upn: String
    /// `penalty_notice`, `notice_to_improve`, `social_care_escalation`, ...
    public var templateKey: String
    public var audience: Audience
    /// The parent's MIS contact id when the audience is `parent`.
    public var contactId: String?
    /// A statutory letter: first-class post to each parent, the English text the legal text.
    public var statutory: Bool
    public var fields: [String: String]
    /// The subject of the person whose action caused it: they are not sent it (shared/PATHWAY.md §4.1).
    public var causedBy: String?

    public init(requestId: String, caseId: String?, schoolUrn: String, upn: String, templateKey: String, audience: Audience,
                contactId: String? = nil, statutory: Bool = false, fields: [String: String] = [:], causedBy: String? = nil) {
        self.requestId = requestId
        self.caseId = caseId
        self.schoolUrn = schoolUrn
        self.upn = upn
        self.templateKey = templateKey
        self.audience = audience
        self.contactId = contactId
        self.statutory = statutory
        self.fields = fields
        self.causedBy = causedBy
    }
}

/// On `notification.requests`: a message asked for earlier is no longer wanted (if not yet sent).
public struct NotificationCancelled: Codable, Sendable, Equatable {
    public static let type = "notification.cancelled"
    public static let version = 1

    public var requestId: String
    public var schoolUrn: String
    public var reason: String

    public init(requestId: String, schoolUrn: String, reason: String) {
        self.requestId = requestId
        self.schoolUrn = schoolUrn
        self.reason = reason
    }
}

/// On `notification.deliveries` (notification to pathway-coordinator, keyed by case id): what became of a
/// message about a case. It goes into the case's chronology: a letter sent and delivered is evidence.
public struct NotificationDelivery: Codable, Sendable, Equatable {
    public static let type = "notification.delivery"
    public static let version = 1

    public var requestId: String
    public var caseId: String
    public var templateKey: String
    /// `sent`, `delivered`, `failed`, `bounced`, `cancelled_explained`, `suppressed_restricted`, ...
    public var status: String
    /// `email`, `sms`, `letter`, `in_app`.
    public var channel: String
    public var contactId: String?
    /// When the status was reached, ISO 8601.
    public var at: String
    /// The provider's reference, for the case file.
    public var providerReference: String?

    public init(requestId: String, caseId: String, templateKey: String, status: String, channel: String, contactId: String?, at: String,
                providerReference: String? = nil) {
        self.requestId = requestId
        self.caseId = caseId
        self.templateKey = templateKey
        self.status = status
        self.channel = channel
        self.contactId = contactId
        self.at = at
        self.providerReference = providerReference
    }
}
