import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Who may see a case: whoever sees the pupil at the case's school (the LA manager, the school's officer and
/// lead, the allocated social worker or virtual school); a legal officer sees cases at stage 4 and later and those on
/// the no-support route; a panel chair those at stage 4 and later. Anyone else is answered 404, as if there were no such case.
enum CaseAccess {
    static func maySee(_ pathwayCase: PathwayCase, _ caller: Identity) -> Bool {
        if caller.maySee(pupil: pathwayCase.upn, atSchool: pathwayCase.schoolUrn) { return true }
        let referable = pathwayCase.stage >= PathwayStage.formaliseSupport.rawValue
        if caller.roles.contains(.panelChair) && referable { return true }
        // The no-support route (a term-time holiday) reaches the legal officer without the pathway meeting.
        return caller.roles.contains(.legalOfficer) && (referable || pathwayCase.noSupportRoute)
    }

    /// The path's case, locked when `forUpdate`, after the scope check; notes it for the access audit.
    static func visibleCase(_ context: ServiceRequestContext, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> PathwayCase {
        let id = context.parameters.get("id") ?? ""
        let caller = try context.caller()
        guard let pathwayCase = try await CaseStore.load(id, forUpdate: forUpdate, on: connection, logger: logger) else {
            throw RequestRefused(.notFound, "no case \(id)")
        }
        guard maySee(pathwayCase, caller) else {
            context.access.refused("case \(id) is outside the caller's scope")
            throw RequestRefused(.notFound, "no case \(id)")
        }
        context.access.caseID(pathwayCase.caseId)
        context.access.school(pathwayCase.schoolUrn)
        context.access.pupil(pathwayCase.upn)
        return pathwayCase
    }

    /// The caller as the chronology names them: their subject and the first of their roles that acts here.
    static func actor(_ context: ServiceRequestContext) throws -> CaseActor {
        let caller = try context.caller()
        return CaseActor(subject: caller.subject, role: caller.roles.sorted().first?.rawValue ?? "unknown")
    }
}

/// JSON request bodies, refused with the field and the reason (never the value: bodies carry personal data).
enum CaseBody {
    static let maximumBytes = 12 * 1024 * 1024

    static func decode<Body: Decodable>(_ type: Body.Type, _ request: Request) async throws -> Body {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        do { return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath + [key])): is required")
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath)): \(context.debugDescription)")
            case .dataCorrupted(let context) where !context.codingPath.isEmpty:
                throw RequestRefused(.unprocessableContent, "\(path(context.codingPath)): \(context.debugDescription)")
            default:
                throw RequestRefused(.badRequest, "body: expected a JSON object")
            }
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// An ISO date field, or 422 naming it.
    static func date(_ text: String?, field: String, default fallback: SchoolDate? = nil) throws -> SchoolDate {
        guard let text else {
            if let fallback { return fallback }
            throw RequestRefused(.unprocessableContent, "\(field): is required")
        }
        guard let date = SchoolDate(iso: text) else { throw RequestRefused(.unprocessableContent, "\(field): expected a date written 2026-11-30") }
        return date
    }

    static func require(_ condition: Bool, _ field: String, _ reason: String) throws {
        if !condition { throw RequestRefused(.unprocessableContent, "\(field): \(reason)") }
    }
}

extension SchoolDate {
    /// Today in UTC (dates the service stamps itself; an officer's dates come in the request).
    static var today: SchoolDate { SchoolDate(dayNumber: Int(Date().timeIntervalSince1970 / 86_400)) }
}

/// A write in one transaction whose refusals (409 with the unmet guards, 404, 422) reach the caller as
/// they were thrown, not as the driver's transaction error.
enum CaseTransaction {
    static func run<Value>(_ postgres: PostgresClient, logger: Logger, isolation: isolated (any Actor)? = #isolation,
                           _ body: (PostgresConnection) async throws -> sending Value) async throws -> sending Value {
        do {
            return try await postgres.withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? any HTTPResponseError { throw refusal }
            throw error
        }
    }
}
