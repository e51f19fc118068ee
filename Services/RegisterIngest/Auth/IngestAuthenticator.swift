import AttendanceDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Who is sending: a school's own MIS (its registers only) or the LA's connector (any school of the LA).
enum IngestPrincipal: Sendable, Equatable {
    case school(String)
    case localAuthority

    func mayWrite(school: String) -> Bool {
        switch self {
        case .localAuthority: return true
        case .school(let own): return own == school
        }
    }
}

/// Checks bearer tokens. Tokens are stored as SHA-256 hashes; the connector token for the demo and the
/// tests may come from `INGEST_CONNECTOR_TOKEN` instead.
struct IngestAuthenticator: Sendable {
    let connectorToken: String?
    let postgres: PostgresClient
    let logger: Logger

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The principal of an `Authorization: Bearer <token>` value, or nil for none or an unknown token.
    func principal(authorization: String?) async throws -> IngestPrincipal? {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let token = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { return nil }
        let hashed = Self.hash(token)
        // Compare hashes, not tokens: equal-length strings, no early exit on the secret itself.
        if let connectorToken, Self.hash(connectorToken) == hashed { return .localAuthority }
        let rows = try await postgres.query(
            "SELECT school_urn, la_wide FROM ingest_tokens WHERE token_sha256 = \(hashed)", logger: logger)
        for try await (school, laWide) in rows.decode((String?, Bool).self) {
            if laWide { return .localAuthority }
            if let school { return .school(school) }
        }
        return nil
    }
}
