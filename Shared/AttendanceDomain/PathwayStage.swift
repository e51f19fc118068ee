/// The graduated attendance support pathway (Wigan's "pathway for supporting non-attendance", seeds/001).
public enum PathwayStage: Int, Sendable, Hashable, Comparable, Codable, CaseIterable {
    case prevention = 1
    case identifyAndUnderstand = 2
    case supportChildAndFamily = 3
    case formaliseSupport = 4
    case enforcementReferral = 5

    public enum Level: String, Sendable, Codable {
        case universal
        case targetedGroupOrIndividual = "targeted_group_or_individual"
        case targetedIndividual = "targeted_individual"
        case specialised
        case attendancePathwayMeeting = "attendance_pathway_meeting"
    }

    public var title: String {
        switch self {
        case .prevention: return "Prevention"
        case .identifyAndUnderstand: return "Identify and understand"
        case .supportChildAndFamily: return "Support for child and family"
        case .formaliseSupport: return "Formalise support"
        case .enforcementReferral: return "Enforcement referral"
        }
    }

    public var level: Level {
        switch self {
        case .prevention: return .universal
        case .identifyAndUnderstand: return .targetedGroupOrIndividual
        case .supportChildAndFamily: return .targetedIndividual
        case .formaliseSupport: return .specialised
        case .enforcementReferral: return .attendancePathwayMeeting
        }
    }

    /// When a pupil enters this stage.
    public var entryCondition: String {
        switch self {
        case .prevention: return "every pupil"
        case .identifyAndUnderstand: return "approaching or at persistent absence"
        case .supportChildAndFamily: return "persistent absence not improving"
        case .formaliseSupport: return "no improvement; severe absence (50% or below)"
        case .enforcementReferral: return "stage 4 complete and evidenced, with management oversight"
        }
    }

    /// One thing to do and record at a stage: a stable key (what the API and the database name) and the
    /// question as seeds/001 asks it.
    public struct ChecklistItem: Sendable, Hashable, Codable {
        public let key: String
        public let question: String
        public init(_ key: String, _ question: String) {
            self.key = key
            self.question = question
        }
    }

    /// "Any discussion or referral should include a clear offer of support and evidence if it is not
    /// successful or refused by the family or child" (seeds/001): an item of every stage before the meeting.
    public static let supportOffered = ChecklistItem(
        "support_offer_evidenced", "Has a clear offer of support been made, with evidence if it was not successful or was refused?")

    /// What must be done and recorded before the case moves on from this stage: seeds/001's questions.
    public var checklist: [ChecklistItem] {
        switch self {
        case .prevention:
            return [
                .init("attendance_discussed", "Has good attendance been discussed with the parent so they understand the implications of non-attendance?"),
                .init("family_heard", "Have the child and family had opportunities to discuss their attendance concerns and the support they feel would help?"),
                .init("professionals_targets", "Do professionals involved with the family include attendance targets in their planning?"),
                .init("siblings_considered", "Have other siblings been taken into consideration?"),
                .init("pattern_considered", "Is there a pattern of non-attendance?"),
                .init("mitigating_circumstances", "Have mitigating circumstances in or outside school been investigated and acted on?"),
                Self.supportOffered,
            ]
        case .identifyAndUnderstand:
            return [
                .init("reasons_understood", "Have conversations taken place to listen to and understand the reasons for declining attendance?"),
                .init("absence_level_reviewed", "Is the child approaching or classed as persistently absent (90% and under)?"),
                .init("barriers_identified", "Have the barriers been identified and explored, and appropriate interventions put in place?"),
                .init("school_support", "Has school implemented appropriate support to address the barriers?"),
                .init("individual_assessments", "Have individual assessments taken place to address any behaviour or learning needs?"),
                .init("reasonable_adjustments", "Have school-based circumstances and reasonable adjustments been considered?"),
                .init("smart_targets", "Are SMART targets in place for the child, family, school and wider professionals?"),
                Self.supportOffered,
            ]
        case .supportChildAndFamily:
            return [
                .init("voice_of_child", "Has the voice of the child been captured and considered?"),
                .init("holistic_assessment", "Has a holistic assessment outlined clear actions to remove barriers?"),
                .init("outside_referrals", "Have referrals to outside services been considered?"),
                .init("smart_plan", "Is there a SMART plan with appropriate interventions, including wider professionals?"),
                .init("plans_reviewed", "Have action plans and targets been reviewed to assess impact?"),
                .init("wider_services", "Have referrals or support pathways into wider services been considered?"),
                Self.supportOffered,
            ]
        case .formaliseSupport:
            return [
                .init("formal_plan", "Is a formal attendance support plan in place (or the existing EH, CIN, CP or PEP plan used)?"),
                .init("attendance_declined", "Despite attempts to address barriers, has the child's attendance continued to decline?"),
                .init("severe_absence_reviewed", "Has the child's attendance fallen into severe absence (50% and under)?"),
                .init("strategies_exhausted", "Have all strategies and interventions been exhausted and clearly evidenced within the plan?"),
                .init("non_engagement_evidenced", "Is there clear evidence of non-engagement from the parent despite sustained attempts to support?"),
                .init("legal_action_appropriate", "Is prosecution, and any resulting legal action, appropriate to the family's circumstances?"),
                .init("best_interests", "Considering the wider needs, is it in the best interests of the child to pursue a legal enforcement route?"),
                .init("improves_access", "Will legal action have a positive impact on attendance and likely improve access to education?"),
                Self.supportOffered,
            ]
        case .enforcementReferral:
            return [.init("meeting_outcome", "Has the AttendancePathway meeting outcome been recorded: approval to refer to enforcement, or further recommendations?")]
        }
    }

    /// The next stage, or nil at the last one.
    public var next: PathwayStage? { PathwayStage(rawValue: rawValue + 1) }

    /// Children looked after never go to legal enforcement: they escalate within children's social care.
    public static func mayEnter(_ stage: PathwayStage, childLookedAfter: Bool) -> Bool {
        !(stage == .enforcementReferral && childLookedAfter)
    }

    public static func < (lhs: PathwayStage, rhs: PathwayStage) -> Bool { lhs.rawValue < rhs.rawValue }
}
