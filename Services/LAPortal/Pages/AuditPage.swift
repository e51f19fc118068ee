import Foundation
import Hummingbird
import ServiceRuntime

/// `GET /audit` (auditors): who read or changed what, from every service's access audit, newest first; filtered by
/// pupil (UPN) or person. Read only: no service has a route that changes the audit.
struct AuditPage: Sendable {
    let services: ServiceClient
    static let sources: [ServiceClient.Service] = [.coordinator, .detector, .scheduler, .notification]

    func add(to router: Router<PortalContext>) {
        router.get("/audit") { request, context in try await page(request, context) }
    }

    func page(_ request: Request, _ context: PortalContext) async throws -> Response {
        let account = try context.signedIn()
        guard account.has(.auditor) else { throw PageRefusal(status: .notFound, title: "Page not found", detail: "If you typed the web address, check it is correct.") }
        let pupil = request.uri.queryParameters.get("pupil")?.trimmingCharacters(in: .whitespaces).uppercased()
        let person = request.uri.queryParameters.get("subject")?.trimmingCharacters(in: .whitespaces)
        var errors: [CasePage.FormError] = []
        if let pupil, !pupil.isEmpty, pupil.count != 13 || !pupil.allSatisfy({ $0.isLetter || $0.isNumber }) {
            errors.append(.init(field: "pupil", message: "Enter a UPN: 13 letters and digits, for example A801200000017"))
        }
        var query = ["limit=200"]
        if errors.isEmpty, let pupil, !pupil.isEmpty { query.append("pupil=\(pupil)") }
        if let person, !person.isEmpty, let encoded = person.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { query.append("subject=\(encoded)") }
        var rows: [(at: String, row: [String: Any])] = []
        var unanswered: [String] = []
        for service in Self.sources {
            let answer = await services.optional(service, "/v1/audit?" + query.joined(separator: "&"), as: account)
            guard answer.ok else { unanswered.append(service.rawValue); continue }
            for entry in answer.json["entries"].array {
                rows.append((entry["at"].text, [
                    "at": PortalFormat.dateTime(entry["at"].string), "service": service.rawValue, "subject": entry["subject"].text,
                    "roles": entry["roles"].array.map(\.text).joined(separator: ", "), "action": entry["action"].text,
                    "school": entry["schoolUrn"].string ?? "–", "pupils": entry["pupils"].array.map(\.text).joined(separator: ", "),
                    "case": entry["caseID"].string ?? "–", "status": entry["status"].int ?? 0, "refused": entry["refusal"].exists,
                    "refusal": entry["refusal"].string ?? "",
                ]))
            }
        }
        let sorted = rows.sorted { $0.at > $1.at }.prefix(200).map(\.row)
        var values: [String: Any] = ["rows": sorted, "none": sorted.isEmpty, "pupil": pupil ?? "", "subject": person ?? "",
                                     "errors": errors.map { ["field": $0.field, "message": $0.message] }]
        if let message = errors.first?.message { values["pupilError"] = message }
        if !unanswered.isEmpty { values["unanswered"] = unanswered.joined(separator: ", ") }
        return Page.render("audit", title: (errors.isEmpty ? "" : "Error: ") + "Access audit", values: values, context: context,
                           status: errors.isEmpty ? .ok : .unprocessableContent, active: "/audit")
    }
}
