/// Whom the services trust to say who a caller is, and how long the access audit is kept.
public struct IdentitySettings: Sendable, Equatable {
    /// `AUTH_ISSUER`: the `iss` every signed token must carry: the LA's identity provider in production
    /// (default `attendance-pathway-local`, the local `token issue` command).
    public var issuer: String
    /// `AUTH_AUDIENCE`: the `aud` a token must name (default `attendance-pathway`).
    public var audience: String
    /// `AUTH_JWKS_FILE`: the issuer's public keys (a JWKS document, EdDSA keys with a `kid`). Unset: no signed
    /// token is accepted (connector tokens still are).
    public var jwksFile: String?
    /// `AUTH_CLOCK_SKEW_SECONDS`: how far `exp` and `nbf` may be off (default 30).
    public var clockSkew: Duration
    /// `AUDIT_RETENTION_DAYS` [LA]: how long access-audit rows are kept (default 2190, six years).
    public var auditRetention: Duration

    public init(issuer: String = "attendance-pathway-local", audience: String = "attendance-pathway", jwksFile: String? = nil,
                clockSkew: Duration = .seconds(30), auditRetention: Duration = .seconds(2190 * 86_400)) {
        self.issuer = issuer
        self.audience = audience
        self.jwksFile = jwksFile
        self.clockSkew = clockSkew
        self.auditRetention = auditRetention
    }

    init(environment env: EnvironmentReader) throws(ConfigurationError) {
        self.init(
            issuer: env.string("AUTH_ISSUER", default: "attendance-pathway-local"),
            audience: env.string("AUTH_AUDIENCE", default: "attendance-pathway"),
            jwksFile: env.values["AUTH_JWKS_FILE"].flatMap { $0.isEmpty ? nil : $0 },
            clockSkew: .seconds(try env.int("AUTH_CLOCK_SKEW_SECONDS", default: 30, range: 0...600, expected: "seconds from 0 to 600")),
            auditRetention: .seconds(86_400 * (try env.int("AUDIT_RETENTION_DAYS", default: 2190, range: 1...36_500, expected: "days from 1 to 36500"))))
    }
}
