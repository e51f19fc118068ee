import AttendanceDomain
import Events
import Foundation

/// Where a case is (shared/PATHWAY.md §2.2).
enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case active
    case awaitingMeeting = "awaiting_meeting"
    case enforcementApproved = "enforcement_approved"
    case legalIntervention = "legal_intervention"
    case socialCareEscalation = "social_care_escalation"
    case monitoring
    case closed
}

enum Urgency: String, Codable, Sendable, Comparable {
    case low, medium, high

    private var rank: Int { self == .low ? 0 : self == .medium ? 1 : 2 }
    static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.rank < rhs.rank }
}

/// One pupil's way through the graduated pathway: the row of `cases`.
struct PathwayCase: Codable, Sendable, Equatable {
    typealias LeadProfessional = MeetingRequested.LeadProfessional

    var caseId: String
    var upn: String
    var schoolUrn: String
    var stage: Int
    var status: CaseStatus
    var urgency: Urgency
    var leadProfessional: LeadProfessional?
    /// The LA caseworker's subject.
    var caseworker: String?
    /// `none`, `early_help`, `child_in_need`, `child_protection`, `pep`, `attendance_plan`.
    var existingPlan: String
    /// The roster's flags, as they are now (kept up to date from `pupils.profiles`).
    var flags: PupilProfile.Flags
    var familyId: String?
    var openedBy: String
    var openedAt: Date
    var closedAt: Date?
    var closedReason: String?
    /// The figures of the latest signal about the pupil.
    var latestFigures: AttendanceSignal.Figures?
    var severeAbsence: Bool
    /// Year-to-date attendance when the case entered stage 3: "no improvement" is judged against it.
    var stage3EntryRate: Double?
    /// When it entered stage 3: "no improvement" is judged over the school weeks since.
    var stage3EnteredOn: String?
    /// Support is not appropriate (a term-time holiday): a penalty notice may follow without the meeting.
    var noSupportRoute: Bool
    /// The panel's approval to enforce lapses on this date.
    var approvalLapsesOn: String?

    var pathwayStage: PathwayStage { PathwayStage(rawValue: stage) ?? .identifyAndUnderstand }
    var isLookedAfter: Bool { flags.childLookedAfter }
}

/// An entry of the case's chronology (append-only; a correction is a new entry pointing at the old one).
struct ChronologyEntry: Codable, Sendable, Equatable {
    /// The kinds a person records, and those the system records.
    static let recordedKinds: Set<String> = [
        "call", "letter", "visit", "meeting", "service_referral", "plan_review", "voice_of_the_child", "note",
        "social_worker_consulted", "senco_consulted",
    ]

    var id: Int64
    var type: String
    var summary: String
    var outcome: String?
    var parentEngagement: String?
    var actor: String
    var actorRole: String
    var at: Date
    var corrects: Int64?
    /// SHA-256 of each evidence document.
    var evidence: [String]
}

/// Who did something to a case: a person's subject and the role they acted in, or the service itself.
struct CaseActor: Sendable, Equatable {
    var subject: String
    var role: String

    static let system = CaseActor(subject: "pathway-coordinator", role: "system")
}
