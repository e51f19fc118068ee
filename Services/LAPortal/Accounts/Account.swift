import ServiceRuntime

/// A person who signs in to the portal with a local account: who they are, what they do, and how far they see.
/// The portal turns these into the claims of the identity token it sends the services on their behalf.
struct Account: Sendable, Equatable {
    var username: String
    var displayName: String
    var roles: [Role]
    var schools: [String]
    var pupils: [String]

    /// The role a page is written for first: the first of the account's roles in this order.
    var primaryRole: Role {
        let order: [Role] = [.laManager, .laOfficer, .panelChair, .legalOfficer, .schoolLead, .laAdmin, .socialWorker, .virtualSchool, .auditor]
        return order.first { roles.contains($0) } ?? roles.first ?? .auditor
    }

    func has(_ role: Role) -> Bool { roles.contains(role) }
    func has(anyOf wanted: Set<Role>) -> Bool { !wanted.isDisjoint(with: roles) }

    /// What the portal calls each role, in words.
    static func title(_ role: Role) -> String {
        switch role {
        case .laOfficer: "Attendance officer"
        case .laManager: "Attendance manager"
        case .panelChair: "Panel chair"
        case .legalOfficer: "Legal officer"
        case .laAdmin: "Administrator"
        case .schoolLead: "School attendance lead"
        case .socialWorker: "Social worker"
        case .virtualSchool: "Virtual school"
        case .auditor: "Auditor"
        case .misConnector: "MIS connector"
        }
    }
}
