import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Writes one access-audit row for every request with a caller, after the handler has answered and
/// before the answer leaves: a read whose audit row cannot be written is not answered (500). The row
/// names the route (`GET /v1/pupils/{upn}/attendance`), the path's pupil and school, what the handler
/// noted (``AccessNote``) and the status, including refusals (403, and 404 for out-of-scope reads).
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
            if let identity = context.identity {
                let code = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
                try await write(identity, request: request, context: context, status: code)
            }
            throw error
        }
        if let identity = context.identity {
            try await write(identity, request: request, context: context, status: status)
        }
        return response
    }

    private func write(_ identity: Identity, request: Request, context: Context, status: Int) async throws {
        let touched = context.access.current
        var pupils = touched.pupils
        if let upn = context.parameters.get("upn") { pupils.insert(upn, at: 0) }
        var seen = Set<String>()
        pupils = pupils.filter { seen.insert($0).inserted }
        let school = touched.school ?? context.parameters.get("urn") ?? context.parameters.get("school")
        let entry = AccessAudit.Entry(
            at: Date(), subject: identity.subject, tokenID: identity.tokenID, roles: identity.roles.sorted().map(\.rawValue),
            action: "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)", schoolUrn: school, pupils: pupils,
            caseID: touched.caseID, status: status, refusal: touched.refusal, client: context.remoteAddress?.ipAddress)
        do {
            try await AccessAudit.write(entry, on: postgres, logger: logger)
        } catch {
            logger.error("access audit row not written; the request is refused", metadata: ["error": "\(String(reflecting: error))"])
            throw RequestRefused(.internalServerError, "the access could not be recorded; nothing was returned")
        }
    }
}
