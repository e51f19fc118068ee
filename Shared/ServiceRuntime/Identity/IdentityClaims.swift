import JWTKit

/// The claims of a signed identity token. jwt-kit checks the signature; ``TokenVerifier`` checks every
/// claim itself, so that each refusal can say which claim is wrong.
public struct IdentityClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    /// The token's id, which revocation names.
    public var jti: IDClaim
    /// ``Role`` names.
    public var roles: [String]
    /// URNs: an LA officer's assigned schools, a school lead's school.
    public var schools: [String]?
    /// UPNs allocated to a social worker or the virtual school.
    public var pupils: [String]?

    public init(issuer: String, audience: String, subject: String, expires: Date, notBefore: Date? = nil, issuedAt: Date? = nil,
                id: String, roles: [Role], schools: [String]? = nil, pupils: [String]? = nil) {
        iss = IssuerClaim(value: issuer)
        aud = AudienceClaim(value: [audience])
        sub = SubjectClaim(value: subject)
        exp = ExpirationClaim(value: expires)
        nbf = notBefore.map { NotBeforeClaim(value: $0) }
        iat = issuedAt.map { IssuedAtClaim(value: $0) }
        jti = IDClaim(value: id)
        self.roles = roles.map(\.rawValue)
        self.schools = schools
        self.pupils = pupils
    }

    /// Nothing here: see ``TokenVerifier``.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

import Foundation
