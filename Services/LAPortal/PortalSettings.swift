import ServiceRuntime

/// The portal's own settings (README, "la-portal").
struct PortalSettings: Sendable {
    /// `PORTAL_COORDINATOR_URL`, `PORTAL_DETECTOR_URL`, `PORTAL_SCHEDULER_URL`, `PORTAL_NOTIFICATION_URL`: where the
    /// services' APIs answer (defaults: their local ports on 127.0.0.1).
    var coordinator: String
    var detector: String
    var scheduler: String
    var notification: String
    /// `AUTH_SIGNING_KEY_FILE`: the private JWK the portal signs its callers' tokens with, acting as the LA's identity
    /// provider for local accounts (the services trust its public half in `AUTH_JWKS_FILE`).
    var signingKeyFile: String
    var issuer: String
    var audience: String
    /// `PORTAL_SECURE_COOKIES` (default true): cookies only over HTTPS. Only a loopback demo without TLS sets it false.
    var secureCookies: Bool
    /// `PORTAL_SESSION_IDLE_MINUTES` (30) and `PORTAL_SESSION_HOURS` (10): a session ends after this long unused, or
    /// this long after sign-in, whichever comes first.
    var idleMinutes: Int
    var sessionHours: Int
    /// `PORTAL_LOCKOUT_ATTEMPTS` (5) failed sign-ins in a row lock the account for `PORTAL_LOCKOUT_MINUTES` (15).
    var lockoutAttempts: Int
    var lockoutMinutes: Int
    /// `PORTAL_PDF_RENDERER` (default `chromium`): prints the meeting pack to PDF.
    var chromium: String
    /// Sign-in through the LA's identity provider, when set (``OIDCSettings``).
    var oidc: OIDCSettings?
    /// `PORTAL_LOCAL_SIGN_IN` (default true): whether local accounts may sign in with a password.
    var localSignIn: Bool

    init(environment env: EnvironmentReader) throws(ConfigurationError) {
        coordinator = env.string("PORTAL_COORDINATOR_URL", default: "http://127.0.0.1:8083")
        detector = env.string("PORTAL_DETECTOR_URL", default: "http://127.0.0.1:8082")
        scheduler = env.string("PORTAL_SCHEDULER_URL", default: "http://127.0.0.1:8085")
        notification = env.string("PORTAL_NOTIFICATION_URL", default: "http://127.0.0.1:8084")
        signingKeyFile = try env.string("AUTH_SIGNING_KEY_FILE", expected: "the private JWK (Ed25519) the portal signs its users' tokens with")
        issuer = env.string("AUTH_ISSUER", default: "attendance-pathway-local")
        audience = env.string("AUTH_AUDIENCE", default: "attendance-pathway")
        secureCookies = try env.choice("PORTAL_SECURE_COOKIES", default: true, options: ["true": true, "false": false])
        idleMinutes = try env.int("PORTAL_SESSION_IDLE_MINUTES", default: 30, range: 1...480, expected: "minutes from 1 to 480")
        sessionHours = try env.int("PORTAL_SESSION_HOURS", default: 10, range: 1...24, expected: "hours from 1 to 24")
        lockoutAttempts = try env.int("PORTAL_LOCKOUT_ATTEMPTS", default: 5, range: 1...50, expected: "a number of attempts from 1 to 50")
        lockoutMinutes = try env.int("PORTAL_LOCKOUT_MINUTES", default: 15, range: 1...1440, expected: "minutes from 1 to 1440")
        chromium = env.string("PORTAL_PDF_RENDERER", default: "chromium")
        oidc = try OIDCSettings(environment: env)
        localSignIn = try env.choice("PORTAL_LOCAL_SIGN_IN", default: true, options: ["true": true, "false": false])
    }
}
