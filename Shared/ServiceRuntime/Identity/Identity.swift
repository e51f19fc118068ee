/// Who is calling, established by ``AuthenticationMiddleware`` from a verified token, and how far they see.
///
/// Visibility of children's data is the union of what each role grants: `la_manager` every school;
/// `la_officer`, `school_lead` and `mis_connector` the schools in the token; `social_worker` and
/// `virtual_school` the pupils allocated to them. Other roles see no pupil data through these APIs.
public struct Identity: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A person, from a signed identity token.
        case person
        /// A machine, from a connector token with this label.
        case connector(label: String)
    }

    public enum Schools: Sendable, Equatable {
        case all
        case only(Set<String>)
    }

    /// The token's subject (a person's id at the identity provider) or `connector:<label>`.
    public let subject: String
    public let kind: Kind
    public let roles: Set<Role>
    /// The schools the token names (the LA officer's assigned schools, the school lead's school).
    public let schools: Schools
    /// Pupils (UPNs) allocated to a social worker or the virtual school.
    public let allocatedPupils: Set<String>
    /// The token's `jti` (signed tokens) or the connector token's label: what revocation names.
    public let tokenID: String

    public init(subject: String, kind: Kind = .person, roles: Set<Role>, schools: Schools, allocatedPupils: Set<String> = [], tokenID: String) {
        self.subject = subject
        self.kind = kind
        self.roles = roles
        self.schools = schools
        self.allocatedPupils = allocatedPupils
        self.tokenID = tokenID
    }

    public func has(anyOf roles: Set<Role>) -> Bool { !self.roles.isDisjoint(with: roles) }

    /// Every school's data (and every pupil's): the LA manager, or an LA-wide connector.
    public var seesWholeLA: Bool {
        roles.contains(.laManager) || (roles.contains(.misConnector) && schools == .all)
    }

    /// The schools whose data this caller sees in full; nil means every school.
    public var visibleSchools: Set<String>? {
        if seesWholeLA { return nil }
        guard !roles.isDisjoint(with: [.laOfficer, .schoolLead, .misConnector]), case .only(let set) = schools else { return [] }
        return set
    }

    /// Whether the caller sees this school's data (its pupils, its figures).
    public func maySee(school: String) -> Bool {
        visibleSchools.map { $0.contains(school) } ?? true
    }

    /// Whether the caller sees this pupil at this school: through the school, or as their allocated worker.
    public func maySee(pupil upn: String, atSchool school: String) -> Bool {
        if maySee(school: school) { return true }
        return !roles.isDisjoint(with: [.socialWorker, .virtualSchool]) && allocatedPupils.contains(upn)
    }
}
