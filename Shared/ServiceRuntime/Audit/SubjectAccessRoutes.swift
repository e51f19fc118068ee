import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO

/// Subject access and erasure for one pupil, on every service (LA managers):
/// `GET /v1/admin/pupils/{upn}/export`: everything this service holds about the pupil, as JSON;
/// `POST /v1/admin/pupils/{upn}/erasure`: erases the pupil's personal data, keeping the attendance
/// register the law requires, and answers what changed. `deploy/local/subject-access` asks every service.
struct SubjectAccessRoutes: Sendable {
    let service: String
    let personalData: PersonalData
    let postgres: PostgresClient
    let logger: Logger

    struct Erased: Encodable {
        var service: String
        var upn: String
        var rowsChanged: [String: Int]
    }

    func add(to api: RouterGroup<ServiceRequestContext>) {
        let admin = api.group("/v1/admin/pupils/:upn").add(middleware: RequireRoles(.laManager))
        admin.get("export") { _, context in
            let upn = try validUPN(context)
            let tables = try await personalData.export(upn: upn, postgres: postgres, logger: logger)
            let body = #"{"service":"\#(service)","upn":"\#(upn)","tables":\#(tables)}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        admin.post("erasure") { request, context in
            let upn = try validUPN(context)
            let changed = try await postgres.withTransaction(logger: logger) { connection in
                var changed = try await personalData.erase(upn, connection, logger)
                changed["dead letters"] = try await PersonalData.eraseDeadLetters(upn: upn, on: connection, logger: logger)
                try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
                return changed
            }
            logger.notice("a pupil's personal data erased", metadata: ["tables": "\(changed.filter { $0.value > 0 }.keys.sorted())"])
            return try JSONResponse.make(.ok, Erased(service: service, upn: upn, rowsChanged: changed))
        }
    }

    private func validUPN(_ context: ServiceRequestContext) throws -> String {
        let text = context.parameters.get("upn") ?? ""
        guard (try? UPN(parsing: text)) != nil else {
            throw RequestRefused(.badRequest, "upn \(text.prefix(20)): not a valid UPN (13 characters with a check letter)")
        }
        return text
    }
}
