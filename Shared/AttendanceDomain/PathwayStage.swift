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

    /// What must be done and recorded before the case moves on from this stage.
    public var checklist: [String] {
        switch self {
        case .prevention:
            return ["attendance discussed with parent", "child and family heard",
                    "professionals include attendance targets", "siblings considered",
                    "mitigating circumstances investigated"]
        case .identifyAndUnderstand:
            return ["conversations held to understand reasons", "barriers identified", "school support in place",
                    "individual assessments for behaviour or learning needs", "reasonable adjustments considered",
                    "SMART targets for child, family, school and professionals"]
        case .supportChildAndFamily:
            return ["voice of the child captured", "holistic assessment", "referrals to outside services considered",
                    "SMART plan with wider professionals", "plans reviewed for impact"]
        case .formaliseSupport:
            return ["formal attendance support plan (or the existing EH, CIN, CP or PEP plan)",
                    "all strategies exhausted and evidenced", "clear evidence of non-engagement by the parent",
                    "legal action appropriate to the family's circumstances and in the child's best interests"]
        case .enforcementReferral:
            return ["AttendancePathway meeting outcome recorded: approval to refer to enforcement, or further recommendations"]
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
