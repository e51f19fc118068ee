import ServiceRuntime
import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `PUT /v1/schools/{urn}/pupils`: the school's roster. Listed pupils are added or updated; with
/// `"complete": true` (the whole roll) a stored pupil the roster leaves out becomes a leaver with today's
/// leaving date (kept, not forgotten); without it, pupils left out are kept as they are. All or nothing: any
/// error refuses the whole roster with every error found. Contact details never appear in errors or logs.
struct RosterRoutes: Sendable {
    let registers: RegisterRoutes

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(.misConnector)).put("/v1/schools/:urn/pupils") { request, context in
            try await replace(request, context: context)
        }
    }

    func replace(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        let rawSchool = context.parameters.get("urn") ?? ""
        let school: URN
        do { school = try URN(parsing: rawSchool) } catch {
            return try registers.json(.unprocessableContent, RegisterRoutes.Refused(
                error: "the roster was refused; nothing was stored", errors: [FieldError(location: "path.urn", value: rawSchool, reason: error.description)]), context: context)
        }
        guard caller.maySee(school: school.value) else {
            return try registers.json(.forbidden, RegisterRoutes.Refused(error: "this token may not send the roster of school \(school.value)", errors: []), context: context)
        }
        var request = request
        let body = try await request.collectBody(upTo: registers.maximumBodyBytes, setting: "INGEST_MAX_BODY_BYTES")
        let entries: [RosterEntry]
        var complete = false
        do {
            let document: RosterDocument
            do throws(JSONBodyError) { document = try JSONBody.decode(RosterDocument.self, from: body) } catch {
                switch error {
                case .malformed: return try registers.notJSON(context: context)
                case .wrongShape(let field): throw RegisterRejected(errors: [field])
                }
            }
            entries = try RosterValidator(today: registers.today()).validate(document, school: school)
            complete = document.complete ?? false
        } catch let rejected as RegisterRejected {
            return try registers.json(.unprocessableContent, RegisterRoutes.Refused(error: "the roster was refused; nothing was stored", errors: rejected.errors), context: context)
        }
        context.access.pupils(entries.map(\.profile.upn))
        let logger = registers.logger
        let counts = try await registers.postgres.withTransaction(logger: logger) { connection in
            let counts = try await RosterStore.store(entries, school: school, complete: complete, today: registers.today(), on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return counts
        }
        registers.outboxWritten()
        logger.info("roster stored", metadata: ["school": "\(school.value)", "pupils": "\(counts.pupils)", "profiles.changed": "\(counts.profilesChanged)"])
        return try registers.json(.ok, counts, context: context)
    }
}

extension RosterStore.Counts: ResponseEncodable {}
