import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceRuntime

/// The services' JSON APIs, called with the signed-in person's own identity token: each service decides what that
/// person may see and do, and writes its own access audit. The portal adds nothing to their answers but layout.
struct ServiceClient: Sendable {
    enum Service: String, Sendable {
        case coordinator = "pathway-coordinator", detector = "absence-detector", scheduler = "meeting-scheduler", notification
    }

    let settings: PortalSettings
    let signer: TokenSigner
    let logger: Logger

    /// A service's answer: its status and its JSON (an object, or empty when the body was not one).
    struct Answer: Sendable {
        var status: Int
        var json: JSON
        var ok: Bool { (200..<300).contains(status) }
    }

    /// A service did not answer at all.
    struct Unreachable: Error, CustomStringConvertible {
        var service: Service
        var description: String { "\(service.rawValue) did not answer" }
    }

    func base(_ service: Service) -> String {
        switch service {
        case .coordinator: settings.coordinator
        case .detector: settings.detector
        case .scheduler: settings.scheduler
        case .notification: settings.notification
        }
    }

    func get(_ service: Service, _ path: String, as account: Account) async throws -> Answer {
        try await send(.GET, service, path, body: nil, as: account)
    }

    /// A part of a page that can be left out: a service that does not answer reads as a 503, and the page goes on without it.
    func optional(_ service: Service, _ path: String, as account: Account) async -> Answer {
        (try? await get(service, path, as: account)) ?? Answer(status: 503, json: JSON(nil))
    }

    func send(_ method: HTTPMethod, _ service: Service, _ path: String, body: [String: Any]?, as account: Account) async throws -> Answer {
        var request = HTTPClientRequest(url: base(service) + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(try await token(for: account))")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        } catch {
            logger.warning("a service did not answer", metadata: ["service": "\(service.rawValue)", "error": "\(error)"])
            throw Unreachable(service: service)
        }
        let bytes = try await response.body.collect(upTo: 32 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) ?? [:]
        return Answer(status: Int(response.status.code), json: JSON(object))
    }

    /// A token for one call: five minutes, the account's roles and scope, signed as the LA's provider would.
    func token(for account: Account) async throws -> String {
        let now = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))
        let claims = IdentityClaims(issuer: settings.issuer, audience: settings.audience, subject: account.username,
                                    expires: now.addingTimeInterval(300), notBefore: now.addingTimeInterval(-30), issuedAt: now,
                                    id: UUID().uuidString.lowercased(), roles: account.roles,
                                    schools: account.schools.isEmpty ? nil : account.schools, pupils: account.pupils.isEmpty ? nil : account.pupils)
        return try await signer.sign(claims)
    }
}
