import Crypto
import Foundation
import Logging
import PostgresNIO

/// The service's `access_tokens` (MIS connector tokens: machines, not people; only SHA-256 hashes are kept)
/// and `revoked_tokens` (signed tokens revoked by their `jti` before they expire). Both are read on every
/// request, so a revocation takes effect at once, without a restart.
public enum ConnectorTokens {
    public struct Stored: Sendable, Equatable {
        public var label: String
        public var school: String?
        public var expiresAt: Date?
        public var revokedAt: Date?
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes, base64url: what a person pastes into a connector's settings.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URL
    }

    public static func find(hash: String, on postgres: PostgresClient, logger: Logger) async throws -> Stored? {
        let rows = try await postgres.query("""
            SELECT label, CASE WHEN la_wide THEN NULL ELSE school_urn END, expires_at, revoked_at FROM access_tokens WHERE token_sha256 = \(hash)
            """, logger: logger)
        for try await (label, school, expires, revoked) in rows.decode((String, String?, Date?, Date?).self) {
            return Stored(label: label, school: school, expiresAt: expires, revokedAt: revoked)
        }
        return nil
    }

    /// Stores a new connector token's hash; `school` nil is an LA-wide connector (every school).
    public static func create(hash: String, label: String, school: String?, expiresAt: Date, on postgres: PostgresClient, logger: Logger) async throws {
        try await postgres.query("""
            INSERT INTO access_tokens (token_sha256, school_urn, la_wide, label, expires_at)
            VALUES (\(hash), \(school), \(school == nil), \(label), \(expiresAt))
            """, logger: logger)
    }

    /// Revokes the connector tokens with this label; the number revoked.
    public static func revoke(label: String, on postgres: PostgresClient, logger: Logger) async throws -> Int {
        let rows = try await postgres.query("""
            UPDATE access_tokens SET revoked_at = now() WHERE label = \(label) AND revoked_at IS NULL RETURNING 1
            """, logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// Revokes a signed token by its `jti` (kept until the LA's audit retention ends; a token outlives none of it).
    public static func revoke(tokenID: String, reason: String, on postgres: PostgresClient, logger: Logger) async throws {
        try await postgres.query("""
            INSERT INTO revoked_tokens (token_id, reason) VALUES (\(tokenID), \(reason)) ON CONFLICT (token_id) DO NOTHING
            """, logger: logger)
    }

    public static func isRevoked(tokenID: String, on postgres: PostgresClient, logger: Logger) async throws -> Bool {
        let rows = try await postgres.query("SELECT 1 FROM revoked_tokens WHERE token_id = \(tokenID)", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
