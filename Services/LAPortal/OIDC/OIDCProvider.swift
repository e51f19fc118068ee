import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOHTTP1

/// The LA's OpenID Connect provider, as the portal uses it: its discovery document, the authorisation request (with
/// PKCE, state and nonce), the code exchanged for an ID token, and the ID token verified against the provider's keys
/// (fetched again when a token names a key the portal has not seen: providers rotate them).
actor OIDCProvider {
    let settings: OIDCSettings
    let logger: Logger
    private var discovery: Discovery?
    private var keys = JWTKeyCollection()

    struct Discovery: Decodable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
    }

    /// What the ID token says about the person, once verified.
    struct Person: Sendable {
        var subject: String
        var name: String
        var groups: [String]
        var schools: [String]
    }

    /// A sign-in the provider refused or the portal could not verify: the page says so, the log says why.
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    init(settings: OIDCSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    func document() async throws -> Discovery {
        if let discovery { return discovery }
        let found = try JSONDecoder().decode(Discovery.self, from: try await fetch(settings.issuer + "/.well-known/openid-configuration"))
        guard found.issuer == settings.issuer else { throw Refused(description: "the discovery document names issuer \(found.issuer), not \(settings.issuer)") }
        discovery = found
        return found
    }

    /// The provider's authorisation address for a new sign-in.
    func authorizationURL(state: String, nonce: String, verifier: String) async throws -> String {
        let document = try await document()
        let challenge = Self.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
        var components = URLComponents(string: document.authorization_endpoint)!
        components.queryItems = (components.queryItems ?? []) + [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: settings.clientID),
            .init(name: "redirect_uri", value: settings.redirectURL), .init(name: "scope", value: "openid profile"),
            .init(name: "state", value: state), .init(name: "nonce", value: nonce),
            .init(name: "code_challenge", value: challenge), .init(name: "code_challenge_method", value: "S256"),
        ]
        return components.string!
    }

    /// Exchanges the code for tokens and verifies the ID token: signature (RS256, ES256 or EdDSA; never `none` or a
    /// shared-secret algorithm), issuer, audience, expiry and the nonce this browser's sign-in started with.
    func person(code: String, verifier: String, nonce: String) async throws -> Person {
        let document = try await document()
        var request = HTTPClientRequest(url: document.token_endpoint)
        request.method = .POST
        let credentials = Data("\(Self.formEncode(settings.clientID)):\(Self.formEncode(settings.clientSecret))".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURL), ("code_verifier", verifier)]
            .map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok, let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let idToken = json["id_token"] as? String else {
            throw Refused(description: "the token endpoint answered \(response.status.code)")
        }
        return try await verify(idToken, nonce: nonce, issuer: document.issuer, jwksURI: document.jwks_uri)
    }

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nonce: String?
        var name: String?
        var preferred_username: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired(currentDate: Date().addingTimeInterval(-60))  // a minute's clock skew
        }
    }

    func verify(_ token: String, nonce: String, issuer: String, jwksURI: String) async throws -> Person {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let header = Self.decodeBase64URL(String(parts[0])),
              let fields = try? JSONSerialization.jsonObject(with: header) as? [String: Any], let alg = fields["alg"] as? String,
              ["RS256", "ES256", "EdDSA"].contains(alg) else {
            throw Refused(description: "the ID token's algorithm is not one the portal accepts")
        }
        // The keys as last fetched; a token they cannot verify has the keys fetched again once (a rotated key).
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch {
            try await loadKeys(jwksURI)
            claims = try await keys.verify(token, as: Claims.self)
        }
        guard claims.iss.value == issuer else { throw Refused(description: "the ID token's issuer is \(claims.iss.value)") }
        guard claims.aud.value.contains(settings.clientID) else { throw Refused(description: "the ID token is not for this portal") }
        guard let sent = claims.nonce, sent == nonce else { throw Refused(description: "the ID token's nonce is not this sign-in's") }
        guard let payload = Self.decodeBase64URL(String(parts[1])), let all = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else {
            throw Refused(description: "the ID token's claims cannot be read")
        }
        return Person(subject: claims.sub.value, name: claims.name ?? claims.preferred_username ?? claims.sub.value,
                      groups: Self.strings(all[settings.groupsClaim]), schools: Self.strings(all[settings.schoolsClaim]))
    }

    private func loadKeys(_ uri: String) async throws {
        let fresh = JWTKeyCollection()
        try await fresh.add(jwksJSON: String(decoding: try await fetch(uri), as: UTF8.self))
        keys = fresh
    }

    private func fetch(_ url: String) async throws -> Data {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Refused(description: "\(url) answered \(response.status.code)") }
        return Data(body.readableBytesView)
    }

    static func strings(_ value: Any?) -> [String] {
        (value as? [String]) ?? (value as? String).map { [$0] } ?? []
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
