import Foundation
import ServiceRuntime

/// The tests' identity provider: one Ed25519 key pair per test process, its JWKS in a temporary file for
/// the services (`AUTH_JWKS_FILE`), and tokens signed with its private key, as the LA's provider would.
public enum TestIdentity {
    struct Provider: Sendable {
        let pair: SigningKeyPair
        let jwksFile: String
        let signer: TokenSigner
    }

    private static let provider = Task<Provider, any Error> {
        let pair = try SigningKeyPair.generate(kid: "test-key")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("attendance-test-jwks-\(UUID().uuidString).json").path
        try Data(pair.jwks.utf8).write(to: URL(fileURLWithPath: path))
        return Provider(pair: pair, jwksFile: path, signer: try await TokenSigner(privateJWK: pair.privateJWK))
    }

    /// `AUTH_JWKS_FILE` for a service under test.
    public static func environment() async throws -> [String: String] {
        ["AUTH_JWKS_FILE": try await provider.value.jwksFile]
    }

    /// A signed token; every claim can be bent to test a refusal.
    public static func token(
        _ roles: [Role], subject: String = "test-user", schools: [String]? = nil, pupils: [String]? = nil,
        expires: Date = Date().addingTimeInterval(3600), notBefore: Date? = nil, issuer: String = "attendance-pathway-local",
        audience: String = "attendance-pathway", id: String = UUID().uuidString
    ) async throws -> String {
        let claims = IdentityClaims(issuer: issuer, audience: audience, subject: subject, expires: expires, notBefore: notBefore, issuedAt: Date(),
                                    id: id, roles: roles, schools: schools, pupils: pupils)
        return try await provider.value.signer.sign(claims)
    }

    /// An LA manager's token: every school.
    public static func manager() async throws -> String { try await token([.laManager], subject: "test-manager") }
}
