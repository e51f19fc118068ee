import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1

/// Why GOV.UK Notify did not take a message. 400 is for good (a number that is not a mobile, a bad letter); 403 is
/// the LA's key or clock, retried, not taken out on the family; 429 and 5xx and a lost connection are temporary.
struct NotifyError: Error, CustomStringConvertible {
    var status: Int?
    var message: String

    var isPermanent: Bool { status == 400 }
    var description: String { status.map { "GOV.UK Notify answered \($0): \(message)" } ?? "GOV.UK Notify could not be reached: \(message)" }
}

/// GOV.UK Notify's REST API v2: text messages through one template holding the whole body, precompiled letters
/// (a PDF, first-class), and a look-up by our reference, which is how an interrupted send is checked before it is
/// ever sent again. Each request carries a fresh JWT (HS256, `iss` the service id, `iat` now), as Notify requires.
struct NotifyClient: Sendable {
    let settings: NotifySettings
    var http: HTTPClient { HTTPClient.shared }

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var iat: IssuedAtClaim
        func verify(using algorithm: some JWTAlgorithm) throws {}
    }

    /// Sends a text message; returns Notify's id for it.
    func sendSMS(to phoneNumber: String, body: String, reference: String) async throws -> String {
        try await post("/v2/notifications/sms", [
            "phone_number": phoneNumber, "template_id": settings.smsTemplateID, "personalisation": ["body": body], "reference": reference,
        ])
    }

    /// Sends a precompiled letter (a PDF with the address in the window); returns Notify's id for it.
    func sendLetter(pdf: Data, reference: String) async throws -> String {
        try await post("/v2/notifications/letter", ["reference": reference, "content": pdf.base64EncodedString(), "postage": "first"])
    }

    /// Notify's id and status for a message we sent with this reference, if it has one.
    func lookUp(reference: String) async throws -> (id: String, status: String)? {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        let query = reference.addingPercentEncoding(withAllowedCharacters: allowed) ?? reference
        let body = try await request("/v2/notifications?reference=\(query)", method: .GET, body: nil)
        let notifications = (body["notifications"] as? [[String: Any]]) ?? []
        guard let first = notifications.first, let id = first["id"] as? String else { return nil }
        return (id, first["status"] as? String ?? "unknown")
    }

    /// Notify's status for one of its notifications (`sending`, `delivered`, `permanent-failure`, `received`, ...).
    func status(id: String) async throws -> String {
        let allowed = CharacterSet(charactersIn: "0123456789abcdefABCDEF-")
        guard id.unicodeScalars.allSatisfy(allowed.contains) else { throw NotifyError(status: nil, message: "not a Notify id") }
        let body = try await request("/v2/notifications/\(id)", method: .GET, body: nil)
        return body["status"] as? String ?? "unknown"
    }

    private func post(_ path: String, _ payload: [String: Any]) async throws -> String {
        let body = try await request(path, method: .POST, body: try JSONSerialization.data(withJSONObject: payload))
        guard let id = body["id"] as? String else { throw NotifyError(status: 201, message: "the answer has no id") }
        return id
    }

    private func request(_ path: String, method: HTTPMethod, body: Data?) async throws -> [String: Any] {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: settings.secret), digestAlgorithm: .sha256)
        let token = try await keys.sign(Claims(iss: IssuerClaim(value: settings.serviceID), iat: IssuedAtClaim(value: Date())))
        var request = HTTPClientRequest(url: settings.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "la-attendance-notification/1")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        var bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw NotifyError(status: nil, message: "\(error)")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        guard (200..<300).contains(Int(response.status.code)) else {
            let errors = (json["errors"] as? [[String: Any]])?.compactMap { $0["message"] as? String }.joined(separator: "; ")
            throw NotifyError(status: Int(response.status.code), message: errors ?? bytes.readString(length: bytes.readableBytes) ?? "")
        }
        return json
    }
}
