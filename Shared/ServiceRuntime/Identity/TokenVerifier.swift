import Foundation
import JWTKit
import Logging
import PostgresNIO

/// Turns a bearer token into an ``Identity`` or an ``AuthenticationFailure`` that says what is wrong.
///
/// A token with two dots is a signed identity token (JWT): EdDSA only, signed by a key of the issuer's JWKS
/// named by its `kid`, with the configured issuer and audience, within its validity (allowing the clock
/// skew), with known roles, and not revoked. Anything else is a connector token, looked up by its hash.
public struct TokenVerifier: Sendable {
    let settings: IdentitySettings
    /// Nil when no JWKS is configured: signed tokens are then refused.
    let keys: JWTKeyCollection?
    /// A connector token accepted without being stored (LA-wide), for the demo and the tests.
    let environmentConnectorHash: String?
    let postgres: PostgresClient
    let logger: Logger

    /// Reads the JWKS file when one is configured; a file that cannot be read or holds no usable key stops start-up.
    public static func make(settings: IdentitySettings, environmentConnectorToken: String? = nil, postgres: PostgresClient, logger: Logger) async throws -> TokenVerifier {
        var keys: JWTKeyCollection?
        if let path = settings.jwksFile {
            let json: String
            do { json = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigurationError(variable: "AUTH_JWKS_FILE", problem: .malformed(shownValue: path), expected: "a readable JWKS file")
            }
            keys = try await signatureKeys(jwks: json)
        }
        return TokenVerifier(settings: settings, keys: keys, environmentConnectorHash: environmentConnectorToken.flatMap { $0.isEmpty ? nil : ConnectorTokens.hash($0) },
                             postgres: postgres, logger: logger)
    }

    /// The keys of a JWKS document; a token must name one of them (no default key).
    static func signatureKeys(jwks json: String) async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        do { try await keys.add(jwksJSON: json) } catch {
            throw ConfigurationError(variable: "AUTH_JWKS_FILE", problem: .malformed(shownValue: nil), expected: "a JWKS document of EdDSA keys, each with a kid (\(error))")
        }
        await keys.clearDefault()
        return keys
    }

    public func identity(bearer token: String) async throws -> Identity {
        token.split(separator: ".", omittingEmptySubsequences: false).count == 3 ? try await signed(token) : try await connector(token)
    }

    private func signed(_ token: String) async throws -> Identity {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        struct Header: Decodable { var alg: String? }
        guard let headerBytes = Data(base64URL: parts[0]), let header = try? JSONDecoder().decode(Header.self, from: headerBytes) else {
            throw AuthenticationFailure("the token is malformed: its header is not base64url JSON")
        }
        guard let alg = header.alg, alg == "EdDSA" else {
            throw AuthenticationFailure("the token's algorithm \(header.alg.map { "'\($0)'" } ?? "(none given)") is not accepted: tokens must be signed with EdDSA")
        }
        guard let keys else { throw AuthenticationFailure("signed tokens are not accepted here: no issuer keys are configured (AUTH_JWKS_FILE)") }
        let claims: IdentityClaims
        do {
            claims = try await keys.verify(token, as: IdentityClaims.self)
        } catch let error as JWTError {
            switch error.errorType {
            case .signatureVerificationFailed: throw AuthenticationFailure("the token's signature does not verify with the issuer's key")
            case .noKeyProvided, .unknownKID, .missingKIDHeader: throw AuthenticationFailure("the token names no key (kid) the issuer publishes")
            case .malformedToken: throw AuthenticationFailure("the token is malformed: \(error.reason ?? "unreadable")")
            default: throw AuthenticationFailure("the token cannot be verified (\(error.errorType))")
            }
        } catch is DecodingError {
            throw AuthenticationFailure("the token's claims are incomplete or malformed (iss, aud, sub, exp, jti and roles are required)")
        } catch {
            throw AuthenticationFailure("the token is malformed: its signature is not base64url")
        }
        return try await identity(from: claims, now: Date())
    }

    func identity(from claims: IdentityClaims, now: Date) async throws -> Identity {
        let skew = Double(settings.clockSkew.components.seconds)
        guard claims.iss.value == settings.issuer else { throw AuthenticationFailure("the token's issuer '\(claims.iss.value)' is not trusted here") }
        guard claims.aud.value.contains(settings.audience) else {
            throw AuthenticationFailure("the token's audience (\(claims.aud.value.joined(separator: ", "))) does not include '\(settings.audience)'")
        }
        guard now.timeIntervalSince(claims.exp.value) <= skew else {
            throw AuthenticationFailure("the token expired at \(claims.exp.value.formatted(.iso8601))")
        }
        if let notBefore = claims.nbf?.value, notBefore.timeIntervalSince(now) > skew {
            throw AuthenticationFailure("the token is not valid until \(notBefore.formatted(.iso8601))")
        }
        var roles: Set<Role> = []
        for name in claims.roles {
            guard let role = Role(rawValue: name), role != .misConnector else { throw AuthenticationFailure("the token's role '\(name)' is not a role of this platform") }
            roles.insert(role)
        }
        guard !roles.isEmpty else { throw AuthenticationFailure("the token carries no role") }
        guard !claims.sub.value.isEmpty, !claims.jti.value.isEmpty else { throw AuthenticationFailure("the token has no subject or no id (sub, jti)") }
        if try await ConnectorTokens.isRevoked(tokenID: claims.jti.value, on: postgres, logger: logger) {
            throw AuthenticationFailure("the token has been revoked")
        }
        return Identity(subject: claims.sub.value, roles: roles, schools: .only(Set(claims.schools ?? [])),
                        allocatedPupils: Set(claims.pupils ?? []), tokenID: claims.jti.value)
    }

    private func connector(_ token: String) async throws -> Identity {
        let hash = ConnectorTokens.hash(token)
        // Hashes are compared, never tokens: equal lengths, no early exit on the secret itself.
        if hash == environmentConnectorHash {
            return Identity(subject: "connector:environment", kind: .connector(label: "environment"), roles: [.misConnector], schools: .all, tokenID: "environment")
        }
        guard let stored = try await ConnectorTokens.find(hash: hash, on: postgres, logger: logger) else {
            throw AuthenticationFailure("the token is not a valid signed token nor a known connector token")
        }
        if stored.revokedAt != nil { throw AuthenticationFailure("the connector token '\(stored.label)' has been revoked") }
        if let expires = stored.expiresAt, expires < Date() {
            throw AuthenticationFailure("the connector token '\(stored.label)' expired at \(expires.formatted(.iso8601))")
        }
        return Identity(subject: "connector:\(stored.label)", kind: .connector(label: stored.label), roles: [.misConnector],
                        schools: stored.school.map { .only([$0]) } ?? .all, tokenID: stored.label)
    }
}

extension Data {
    /// Base64url without padding, as JOSE writes it.
    init?(base64URL text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }

    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
