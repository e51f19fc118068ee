import Foundation
import JWTKit

/// A new Ed25519 key pair as JOSE documents: the private JWK that signs (`AUTH_SIGNING_KEY_FILE`, for the
/// local `token issue` and the tests) and the JWKS that services verify with (`AUTH_JWKS_FILE`).
public struct SigningKeyPair: Sendable {
    public let kid: String
    public let privateJWK: String
    public let jwks: String

    public static func generate(kid: String = "local-" + UUID().uuidString.prefix(8).lowercased()) throws -> SigningKeyPair {
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let x = key.publicKey.rawRepresentation.base64URL, d = key.rawRepresentation.base64URL
        let common = #""kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":"\#(kid)","x":"\#(x)""#
        return SigningKeyPair(kid: kid, privateJWK: "{\(common),\"d\":\"\(d)\"}", jwks: "{\"keys\":[{\(common)}]}")
    }
}
