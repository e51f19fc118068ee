import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `GET /v1/audit?pupil=UPN&subject=ID&from=2026-11-01T00:00:00Z&to=...&limit=100` (auditors): the
/// service's access-audit rows, newest first. There is no route that changes or deletes them.
struct AuditRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    struct Listing: Encodable {
        var entries: [AccessAudit.Entry]
    }

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group("/v1/audit").add(middleware: RequireRoles(.auditor)).get { request, context in
            let parameters = request.uri.queryParameters
            var query = AccessAudit.Query()
            query.pupil = parameters.get("pupil")
            query.subject = parameters.get("subject")
            for (name, keyPath) in [("from", \AccessAudit.Query.from), ("to", \AccessAudit.Query.to)] {
                guard let text = parameters.get(name) else { continue }
                guard let date = try? Date(text, strategy: .iso8601) else {
                    return try JSONResponse.error(.badRequest, "\(name): expected a time written 2026-11-29T09:00:00Z")
                }
                query[keyPath: keyPath] = date
            }
            if let text = parameters.get("limit") {
                guard let limit = Int(text), (1...1_000).contains(limit) else { return try JSONResponse.error(.badRequest, "limit: expected a number from 1 to 1000") }
                query.limit = limit
            }
            if let pupil = query.pupil { context.access.pupil(pupil) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let body = try encoder.encode(Listing(entries: try await AccessAudit.find(query, on: postgres, logger: logger)))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: body)))
        }
    }
}
