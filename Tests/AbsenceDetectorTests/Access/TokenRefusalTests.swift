import Foundation
import Hummingbird
import PostgresNIO
import ServiceRuntime
import TestSupport
import Testing

/// Each way a token can be wrong is refused with 401 and a reason that names what is wrong, never the token.
@Suite("signed tokens refused with the reason", .serialized, .timeLimit(.minutes(3)))
struct TokenRefusalTests {
    static func unsigned(_ header: String, _ payload: String) -> String {
        func encode(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return encode(header) + "." + encode(payload) + "."
    }

    @Test func everyWrongTokenIsRefusedSayingWhy() async throws {
        try await AccessFixture.withServices { services in
            let school = AccessFixture.school()
            let path = "/v1/schools/\(school)/summary"
            let revokedID = UUID().uuidString
            try await services.detectorPostgres.query("INSERT INTO revoked_tokens (token_id, reason) VALUES (\(revokedID), 'lost laptop')", logger: TestEnvironment.logger)
            // Signed with another key under the same kid: the signature cannot verify.
            let stranger = try await TokenSigner(privateJWK: try SigningKeyPair.generate(kid: "test-key").privateJWK)
            let now = Date()
            let forged = try await stranger.sign(IdentityClaims(issuer: "attendance-pathway-local", audience: "attendance-pathway", subject: "mallory",
                                                                expires: now.addingTimeInterval(600), id: "forged", roles: [.laManager]))
            let otherKey = try await TokenSigner(privateJWK: try SigningKeyPair.generate(kid: "another-key").privateJWK)
            let unknownKey = try await otherKey.sign(IdentityClaims(issuer: "attendance-pathway-local", audience: "attendance-pathway", subject: "mallory",
                                                                    expires: now.addingTimeInterval(600), id: "unknown-key", roles: [.laManager]))
            let payload = #"{"iss":"attendance-pathway-local","aud":["attendance-pathway"],"sub":"mallory","exp":\#(Int(now.timeIntervalSince1970) + 600),"jti":"x","roles":["la_manager"]}"#
            let cases: [(String, String, String)] = [
                ("expired", try await TestIdentity.token([.laManager], expires: now.addingTimeInterval(-3600)), "the token expired at"),
                ("not yet valid", try await TestIdentity.token([.laManager], notBefore: now.addingTimeInterval(3600)), "the token is not valid until"),
                ("wrong audience", try await TestIdentity.token([.laManager], audience: "another-service"), "does not include 'attendance-pathway'"),
                ("wrong issuer", try await TestIdentity.token([.laManager], issuer: "https://evil.example"), "issuer 'https://evil.example' is not trusted"),
                ("bad signature", forged, "signature does not verify"),
                ("unknown key", unknownKey, "names no key (kid) the issuer publishes"),
                ("alg none", Self.unsigned(#"{"alg":"none","typ":"JWT"}"#, payload), "algorithm 'none' is not accepted"),
                ("HS256", Self.unsigned(#"{"alg":"HS256","typ":"JWT","kid":"test-key"}"#, payload), "algorithm 'HS256' is not accepted"),
                ("revoked", try await TestIdentity.token([.laManager], id: revokedID), "the token has been revoked"),
                ("no role", try await TestIdentity.token([], subject: "nobody"), "the token carries no role"),
                ("garbage", "not-a-token-at-all", "not a valid signed token nor a known connector token"),
            ]
            for (name, token, reason) in cases {
                let answer = try await AccessFixture.call(services.detector, .get, path, token: token)
                #expect(answer.status == 401, "\(name): \(answer.status) \(answer.text)")
                #expect((answer.json["error"] as? String)?.contains(reason) == true, "\(name): \(answer.text)")
                #expect(answer.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true, "\(name)")
                #expect(!answer.text.contains(token) && answer.headers[.wwwAuthenticate]?.contains(token) == false, "\(name): the token was echoed")
            }
            // No token at all: 401 too; a valid one reaches the endpoint.
            #expect(try await AccessFixture.call(services.detector, .get, path, token: nil).status == 401)
            #expect(try await AccessFixture.call(services.detector, .get, path, token: try await TestIdentity.manager()).status == 200)
            // A refused token reached nothing: no audit row names it.
            #expect(try await AccessFixture.count("SELECT count(*) FROM access_audit WHERE subject = 'mallory'", services.detectorPostgres) == 0)
        }
    }
}
