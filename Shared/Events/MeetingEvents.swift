/// On `meetings.booked` (meeting-scheduler, keyed by case id): a referral's place at a panel session.
/// The same payload carries `meeting.booked`, `meeting.moved` and `meeting.cancelled`.
public struct MeetingBookingChanged: Codable, Sendable, Equatable {
    public static let booked = "meeting.booked"
    public static let moved = "meeting.moved"
    public static let cancelled = "meeting.cancelled"
    public static let version = 1

    public var caseId: String
    public var referralId: String
    public var bookingId: String
    /// The slot's start and end, ISO 8601 with offset (`2026-12-08T09:30:00Z`).
    public var startsAt: String
    public var endsAt: String
    /// Why it was moved or cancelled.
    public var reason: String?

    public init(caseId: String, referralId: String, bookingId: String, startsAt: String, endsAt: String, reason: String? = nil) {
        self.caseId = caseId
        self.referralId = referralId
        self.bookingId = bookingId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
    }
}

/// On `meetings.booked`: the panel did not accept the referral, with its reasons ("no support offers").
public struct MeetingRequestReturned: Codable, Sendable, Equatable {
    public static let type = "meeting.request-returned"
    public static let version = 1

    public var caseId: String
    public var referralId: String
    public var reasons: [String]

    public init(caseId: String, referralId: String, reasons: [String]) {
        self.caseId = caseId
        self.referralId = referralId
        self.reasons = reasons
    }
}

/// On `meetings.outcomes` (meeting-scheduler, keyed by case id): what the panel decided, recorded by its chair.
public struct MeetingOutcomeRecorded: Codable, Sendable, Equatable {
    public static let type = "meeting.outcome-recorded"
    public static let version = 1

    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case approveEnforcementReferral = "approve_enforcement_referral"
        case furtherRecommendations = "further_recommendations"
        case escalateWiderServices = "escalate_wider_services"
        case deferred
    }

    /// A further recommendation: it becomes one of the case's SMART targets.
    public struct Recommendation: Codable, Sendable, Equatable {
        public var text: String
        /// `child`, `family`, `school` or `professional`.
        public var owner: String
        public var due: String
        public init(text: String, owner: String, due: String) {
            self.text = text
            self.owner = owner
            self.due = due
        }
    }

    public var caseId: String
    public var referralId: String
    public var bookingId: String
    public var outcome: Outcome
    public var recommendations: [Recommendation]
    /// The plan's review date, for further recommendations.
    public var reviewDate: String?
    /// The chair's subject.
    public var chair: String
    public var rationale: String

    public init(caseId: String, referralId: String, bookingId: String, outcome: Outcome, recommendations: [Recommendation] = [],
                reviewDate: String? = nil, chair: String, rationale: String) {
        self.caseId = caseId
        self.referralId = referralId
        self.bookingId = bookingId
        self.outcome = outcome
        self.recommendations = recommendations
        self.reviewDate = reviewDate
        self.chair = chair
        self.rationale = rationale
    }
}

/// On `meetings.booked` (meeting-scheduler, keyed by case id): a meeting with the family (an attendance contract,
/// its review, a pre-court meeting) invited, moved, cancelled, attended or missed. Missed meetings are the
/// family's non-engagement on the case's record (shared/PATHWAY.md §3.2).
public struct FamilyMeetingChanged: Codable, Sendable, Equatable {
    public static let type = "meeting.family-meeting-changed"
    public static let version = 1

    public enum Change: String, Codable, Sendable {
        case invited, moved, cancelled, attended
        case didNotAttend = "did_not_attend"
    }

    public var caseId: String
    /// The pupil and school the meeting was arranged for: the coordinator applies it only to a case of that pupil there.
    public var upn: String
    public var schoolUrn: String
    public var meetingId: String
    /// `contract`, `contract_review`, `pre_court`.
    public var kind: String
    public var change: Change
    public var startsAt: String
    public var endsAt: String
    /// Meetings of this case the family has missed, this one included.
    public var missed: Int
    public var reason: String?

    public init(caseId: String, upn: String, schoolUrn: String, meetingId: String, kind: String, change: Change, startsAt: String, endsAt: String,
                missed: Int, reason: String? = nil) {
        self.caseId = caseId
        self.upn = upn
        self.schoolUrn = schoolUrn
        self.meetingId = meetingId
        self.kind = kind
        self.change = change
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.missed = missed
        self.reason = reason
    }
}
