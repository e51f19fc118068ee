import Crypto
import Foundation
import Logging
import PostgresNIO

/// Who is calling: one school's staff or MIS (that school only) or the LA (every school of the LA).
public enum Principal: Sendable, Equatable {
    case school(String)
    case localAuthority

    /// Whether this principal may read or write the given school's data.
    public func mayAccess(school: String) -> Bool {
        switch self {
        case .localAuthority: return true
        case .school(let own): return own == school
        }
    }
}

/// Checks bearer tokens against the service's `access_tokens` table, where only SHA-256 hashes are kept
/// (``TokenCommand`` makes them). An LA token for the demo and the tests may come from the environment
/// instead (`environmentToken`).
public struct BearerTokenAuthenticator: Sendable {
    let environmentToken: String?
    let postgres: PostgresClient
    let logger: Logger

    public init(environmentToken: String?, postgres: PostgresClient, logger: Logger) {
        self.environmentToken = environmentToken.flatMap { $0.isEmpty ? nil : $0 }
        self.postgres = postgres
        self.logger = logger
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The principal of an `Authorization: Bearer <token>` value, or nil for none or an unknown token.
    public func principal(authorization: String?) async throws -> Principal? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { return nil }
        let hashed = Self.hash(token)
        // Compare hashes, not tokens: equal-length strings, no early exit on the secret itself.
        if let environmentToken, Self.hash(environmentToken) == hashed { return .localAuthority }
        let rows = try await postgres.query(
            "SELECT school_urn, la_wide FROM access_tokens WHERE token_sha256 = \(hashed)", logger: logger)
        for try await (school, laWide) in rows.decode((String?, Bool).self) {
            if laWide { return .localAuthority }
            if let school { return .school(school) }
        }
        return nil
    }
}
