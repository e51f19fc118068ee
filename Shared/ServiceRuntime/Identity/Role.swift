/// What a person (or a machine) does in the platform (shared/PATHWAY.md §5.1). A token carries one or more;
/// each endpoint names the roles that may call it, and the role decides how far the caller sees.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// An education welfare officer: the schools assigned to them.
    case laOfficer = "la_officer"
    /// Oversight of the whole LA.
    case laManager = "la_manager"
    case panelChair = "panel_chair"
    case legalOfficer = "legal_officer"
    case laAdmin = "la_admin"
    /// A school's attendance lead: their own school only.
    case schoolLead = "school_lead"
    /// The children allocated to them.
    case socialWorker = "social_worker"
    case virtualSchool = "virtual_school"
    /// Reads the access audit, nothing else.
    case auditor
    /// A school's MIS (or the LA's MIS hub) sending registers and rosters: never a person.
    case misConnector = "mis_connector"

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Roles as a person reads them in an error: "la_manager, la_officer".
    static func list(_ roles: some Sequence<Role>) -> String { roles.sorted().map(\.rawValue).joined(separator: ", ") }
}
