import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Writes one access-audit row for every request with a caller, after the handler has answered and
/// before the answer leaves: a read whose audit row cannot be written is not answered (500). The row
/// names the route (`GET /v1/pupils/{upn}/attendance`), the path's pupil and school, what the handler
/// noted (``AccessNote``) and the status, including refusals (403, and 404 for out-of-scope reads). A write
/// records its row in its own transaction instead (``ServiceRequestContext/recordAccess(_:status:on:logger:)``).
public struct AccessAuditMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext
    let postgres: PostgresClient
    let logger: Logger

    public init(postgres: PostgresClient, logger: Logger) {
        self.postgres = postgres
        self.logger = logger
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch {
            if let identity = context.identity, !context.access.isRecorded {
                let code = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
                try await write(identity, request: request, context: context, status: code)
            }
            throw error
        }
        if let identity = context.identity, !context.access.isRecorded {
            try await write(identity, request: request, context: context, status: status)
        }
        return response
    }

    private func write(_ identity: Identity, request: Request, context: Context, status: Int) async throws {
        let entry = context.auditEntry(identity, request: request, status: status)
        do {
            try await AccessAudit.write(entry, on: postgres, logger: logger)
        } catch {
            logger.error("access audit row not written; the request is refused", metadata: ["error": "\(String(reflecting: error))"])
            throw RequestRefused(.internalServerError, "the access could not be recorded; nothing was returned")
        }
    }
}

extension ServiceRequestContext {
    /// The audit row of this request as it stands: the route, the path's pupil and school, what was noted.
    func auditEntry(_ identity: Identity, request: Request, status: Int) -> AccessAudit.Entry {
        let touched = access.current
        var pupils = touched.pupils
        if let upn = parameters.get("upn") { pupils.insert(upn, at: 0) }
        var seen = Set<String>()
        pupils = pupils.filter { seen.insert($0).inserted }
        let school = touched.school ?? parameters.get("urn") ?? parameters.get("school")
        return AccessAudit.Entry(
            at: Date(), subject: identity.subject, tokenID: identity.tokenID, roles: identity.roles.sorted().map(\.rawValue),
            action: "\(request.method.rawValue) \(endpointPath ?? request.uri.path)", schoolUrn: school, pupils: pupils,
            caseID: touched.caseID, status: status, refusal: touched.refusal, client: remoteAddress?.ipAddress)
    }

    /// Writes this request's audit row in the write's own transaction, with the status the write will answer;
    /// the middleware then writes none.
    public func recordAccess(_ request: Request, status: HTTPResponse.Status, on connection: PostgresConnection, logger: Logger) async throws {
        let caller = try caller()
        try await AccessAudit.write(auditEntry(caller, request: request, status: Int(status.code)), on: connection, logger: logger)
        access.markRecorded()
    }
}
