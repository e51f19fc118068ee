import Crypto
import Foundation
import Logging
import PostgresNIO

/// Signed-in sessions. The cookie holds 32 random bytes; the table holds their SHA-256, the account and the session's
/// CSRF token. A session ends when unused for the idle time, at its absolute length, or at sign-out.
struct SessionStore: Sendable {
    let postgres: PostgresClient
    let logger: Logger
    let idleMinutes: Int
    let sessionHours: Int

    struct Session: Sendable {
        var username: String
        var csrfToken: String
    }

    /// A new session for the account; returns the cookie's value. Any session the browser held before is not reused.
    func start(username: String) async throws -> (cookie: String, session: Session) {
        let cookie = Self.randomToken(), csrf = Self.randomToken()
        try await postgres.query("INSERT INTO sessions (id_sha256, username, csrf_token) VALUES (\(Self.hash(cookie)), \(username), \(csrf))", logger: logger)
        // Sessions that have ended are removed as new ones begin.
        try await postgres.query("""
            DELETE FROM sessions WHERE last_seen_at < now() - make_interval(mins => \(idleMinutes)::int) OR created_at < now() - make_interval(hours => \(sessionHours)::int)
            """, logger: logger)
        return (cookie, Session(username: username, csrfToken: csrf))
    }

    /// The live session of this cookie, its last use moved to now; nil when it has ended or never was.
    func find(cookie: String) async throws -> Session? {
        let rows = try await postgres.query("""
            UPDATE sessions SET last_seen_at = now()
            WHERE id_sha256 = \(Self.hash(cookie)) AND last_seen_at >= now() - make_interval(mins => \(idleMinutes)::int)
                AND created_at >= now() - make_interval(hours => \(sessionHours)::int)
            RETURNING username, csrf_token
            """, logger: logger)
        for try await (username, csrf) in rows.decode((String, String).self) { return Session(username: username, csrfToken: csrf) }
        return nil
    }

    func end(cookie: String) async throws {
        try await postgres.query("DELETE FROM sessions WHERE id_sha256 = \(Self.hash(cookie))", logger: logger)
    }

    static func hash(_ cookie: String) -> ByteBuffer { ByteBuffer(bytes: Array(SHA256.hash(data: Data(cookie.utf8)))) }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two tokens in time that does not depend on where they first differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
