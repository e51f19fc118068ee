import ServiceRuntime
import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Storage

/// `POST /v1/registers`: one register as JSON, or many as CSV. A register with any error is refused
/// whole with every error found (422); a request with any refused register stores nothing, so the
/// feed can resend it once corrected. Resending what is stored changes nothing.
struct RegisterRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger
    let maximumBodyBytes: Int
    /// Today's date where the schools are (England), for refusing registers dated in the future.
    let today: @Sendable () -> SchoolDate
    /// Called after a transaction that may have queued events (wakes the outbox relay).
    var outboxWritten: @Sendable () -> Void = {}

    struct Accepted: ResponseEncodable {
        var registers: Int
        var accepted: Int
        var unchanged: Int
        var amended: Int
        /// Pupils marked here whom the school's roster does not list: send the roster.
        var unknownPupils: [String] = []
    }

    struct Refused: ResponseEncodable {
        var error: String
        var errors: [FieldError]
    }

    /// Registers come from MIS connectors only (a school's connector: that school; the LA's: every school).
    func add(to api: RouterGroup<ServiceRequestContext>) {
        let connectors = api.group().add(middleware: RequireRoles(.misConnector))
        connectors.post("/v1/registers") { request, context in
            try await submit(request, context: context)
        }
        connectors.patch("/v1/registers/:school/:date/:session/marks/:upn") { request, context in
            try await amend(request, context: context)
        }
    }

    struct MarkChange: Decodable {
        var code: String?
        var minutesLate: Int?
    }

    /// `PATCH /v1/registers/{schoolUrn}/{date}/{session}/marks/{upn}` with `{"code": "I"}`: amends one
    /// stored mark (404 when there is none to amend).
    func amend(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024, setting: nil)
        let change: MarkChange
        do throws(JSONBodyError) {
            change = try JSONBody.decode(MarkChange.self, from: body)
        } catch {
            switch error {
            case .malformed:
                return try notJSON(context: context)
            case .wrongShape(var field):
                field.location = field.location == "body" ? "body" : "body.\(field.location)"
                field.reason += " (send {\"code\": \"...\"})"
                return try json(.unprocessableContent, Refused(error: "the change was refused", errors: [field]), context: context)
            }
        }
        let parameters = context.parameters
        var document = RegisterDocument(
            schoolUrn: parameters.get("school"), date: parameters.get("date"), session: parameters.get("session"),
            marks: [.init(upn: parameters.get("upn"), code: change.code, minutesLate: change.minutesLate)])
        document.locations = RegisterDocument.Locations(register: "path", markPrefixes: ["body"])
        let register: ValidRegister
        do { register = try RegisterValidator(today: today()).validate(document) } catch {
            // The path's pupil is reported as `body.upn` by the shared checks; name it for what it is.
            let errors = error.errors.map { error in
                error.location == "body.upn" ? FieldError(location: "path.upn", value: error.value, reason: error.reason) : error
            }
            return try json(.unprocessableContent, Refused(error: "the change was refused", errors: errors), context: context)
        }
        guard caller.maySee(school: register.school.value) else {
            return try json(.forbidden, Refused(error: "this token may not amend registers for school \(register.school.value)", errors: []), context: context)
        }
        context.access.pupils(register.marks.map(\.upn.value))
        let logger = self.logger
        let counts = try await postgres.withTransaction(logger: logger) { connection in
            let counts = try await RegisterStore.amend(register, on: connection, logger: logger)
            try await context.recordAccess(request, status: counts == nil ? .notFound : .ok, on: connection, logger: logger)
            return counts
        }
        outboxWritten()
        guard let counts else {
            return try json(.notFound, Refused(error: "there is no stored mark for this pupil in this session to amend", errors: []), context: context)
        }
        return try json(.ok, Accepted(registers: 1, accepted: counts.accepted, unchanged: counts.unchanged, amended: counts.amended), context: context)
    }

    func submit(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        var request = request
        let body = try await request.collectBody(upTo: maximumBodyBytes, setting: "INGEST_MAX_BODY_BYTES")
        let documents: [RegisterDocument]
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        do {
            if contentType.hasPrefix("application/json") {
                do throws(JSONBodyError) {
                    documents = [try JSONBody.decode(RegisterDocument.self, from: body)]
                } catch {
                    switch error {
                    case .malformed: return try notJSON(context: context)
                    case .wrongShape(let field): throw RegisterRejected(errors: [field])
                    }
                }
            } else if contentType.hasPrefix("text/csv") {
                documents = try RegisterCSV.parse(String(buffer: body))
            } else {
                return try json(.unsupportedMediaType, Refused(
                    error: "send application/json or text/csv",
                    errors: [FieldError(location: "Content-Type", value: contentType, reason: "expected application/json or text/csv")]), context: context)
            }
        } catch let rejected as RegisterRejected {
            return try json(.unprocessableContent, Refused(error: "the request was refused; nothing was stored", errors: rejected.errors), context: context)
        }

        let validator = RegisterValidator(today: today())
        var registers: [ValidRegister] = []
        var errors: [FieldError] = []
        for document in documents {
            do { registers.append(try validator.validate(document)) } catch { errors += error.errors }
        }
        guard errors.isEmpty else {
            return try json(.unprocessableContent, Refused(error: "the request was refused; nothing was stored", errors: errors), context: context)
        }
        if let other = registers.first(where: { !caller.maySee(school: $0.school.value) }) {
            return try json(.forbidden, Refused(error: "this token may not submit registers for school \(other.school.value)", errors: []), context: context)
        }
        context.access.pupils(registers.flatMap { $0.marks.map(\.upn.value) })
        if let school = registers.first?.school.value, registers.allSatisfy({ $0.school.value == school }) { context.access.school(school) }

        let logger = self.logger
        let (counts, unknown) = try await postgres.withTransaction(logger: logger) { connection in
            let total = try await RegisterStore.record(registers, on: connection, logger: logger)
            var unknown: Set<String> = []
            for register in registers {
                unknown.formUnion(try await RosterStore.unknown(register.marks.map(\.upn.value), school: register.school.value, on: connection, logger: logger))
            }
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return (total, unknown)
        }
        outboxWritten()
        RegisterMetrics.stored(schools: registers.map(\.school.value))
        logger.info("registers stored", metadata: [
            "registers": "\(registers.count)", "accepted": "\(counts.accepted)", "unchanged": "\(counts.unchanged)", "amended": "\(counts.amended)",
        ])
        return try json(.ok, Accepted(registers: registers.count, accepted: counts.accepted, unchanged: counts.unchanged, amended: counts.amended,
                                      unknownPupils: unknown.sorted()), context: context)
    }

    func json(_ status: HTTPResponse.Status, _ value: some ResponseEncodable, context: ServiceRequestContext) throws -> Response {
        try JSONResponse.make(status, value)
    }

    /// 400: the body is not JSON at all (a well-formed document that breaks the rules is 422).
    func notJSON(context: ServiceRequestContext) throws -> Response {
        try json(.badRequest, Refused(error: "the body is not JSON; nothing was stored",
                                      errors: [FieldError(location: "body", value: nil, reason: "malformed JSON")]), context: context)
    }

    /// The field a JSON decoding error is about, without the content.
    static func describe(_ error: any Error) -> String {
        switch JSONBody.classify(error) {
        case .malformed: "malformed JSON"
        case .wrongShape(let field): "\(field.location) \(field.reason)"
        }
    }
}
