import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/worklist`: what is due within 10 days or overdue on the caller's cases, and the cases by stage;
/// `PUT /v1/term-dates` (the LA's) and `PUT /v1/schools/{urn}/term-dates` (a school's own), which the timers count in.
struct WorklistRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles([.laOfficer, .laManager, .schoolLead, .legalOfficer])).get("/v1/worklist") { request, context in
            try await worklist(request, context)
        }
        let admin = api.group().add(middleware: RequireRoles([.laAdmin]))
        admin.put("/v1/term-dates") { request, context in try await termDates(request, context, scope: "LA") }
        admin.put("/v1/schools/:urn/term-dates") { request, context in try await termDates(request, context, scope: context.parameters.get("urn") ?? "") }
    }

    struct Item: Encodable {
        var caseId: String
        var upn: String
        var schoolUrn: String
        var stage: Int
        var kind: String
        var detail: String
        var due: String
        var overdue: Bool
    }

    func worklist(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        let today = SchoolDate.today
        let horizon = today.adding(days: 10).iso
        let schools = caller.seesWholeLA || caller.roles.contains(.legalOfficer) ? nil : caller.visibleSchools.map { Array($0).sorted() }
        let rows = try await postgres.query("""
            SELECT c.case_id, c.upn, c.school_urn, c.stage, t.kind, t.detail, t.due FROM tasks t JOIN cases c USING (case_id)
            WHERE t.done_at IS NULL AND c.status <> 'closed' AND t.due <= \(horizon)
              AND (\(schools)::text[] IS NULL OR c.school_urn = ANY(\(schools)::text[]))
              AND (\(caller.roles.contains(.legalOfficer) && !caller.seesWholeLA) = false OR c.stage >= 4)
            ORDER BY t.due, c.case_id LIMIT 500
            """, logger: logger)
        var items: [Item] = []
        for try await row in rows.decode((String, String, String, Int, String, String, String).self) {
            items.append(Item(caseId: row.0, upn: row.1, schoolUrn: row.2, stage: row.3, kind: row.4, detail: row.5, due: row.6, overdue: row.6 < today.iso))
        }
        let counts = try await postgres.query("""
            SELECT stage, count(*) FROM cases WHERE status <> 'closed' AND (\(schools)::text[] IS NULL OR school_urn = ANY(\(schools)::text[]))
            GROUP BY stage ORDER BY stage
            """, logger: logger)
        var byStage: [String: Int] = [:]
        for try await (stage, count) in counts.decode((Int, Int).self) { byStage[String(stage)] = count }
        let kinds = try await postgres.query("""
            SELECT t.kind, count(*) FROM tasks t JOIN cases c USING (case_id)
            WHERE t.done_at IS NULL AND c.status <> 'closed' AND t.due <= \(horizon)
              AND (\(schools)::text[] IS NULL OR c.school_urn = ANY(\(schools)::text[]))
            GROUP BY t.kind
            """, logger: logger)
        var byKind: [String: Int] = [:]
        for try await (kind, count) in kinds.decode((String, Int).self) { byKind[kind] = count }
        context.access.pupils(Set(items.map(\.upn)).sorted())
        return try JSONResponse.make(.ok, ["asOf": AnyEncodable(today.iso), "casesByStage": AnyEncodable(byStage), "total": AnyEncodable(byKind.values.reduce(0, +)),
                                           "byKind": AnyEncodable(byKind), "items": AnyEncodable(items)])
    }

    func termDates(_ request: Request, _ context: ServiceRequestContext, scope: String) async throws -> Response {
        let dates = try await APIBody.decode(TermDates.self, request)
        try APIBody.require(!dates.terms.isEmpty, "terms", "at least one term")
        for (index, term) in dates.terms.enumerated() {
            try APIBody.require(term.start <= term.end, "terms[\(index)]", "start must be on or before end")
        }
        let subject = try context.caller().subject
        try await postgres.withConnection { connection in
            try await TermCalendars.store(TermDates(terms: dates.terms, closures: dates.closures), scope: scope, by: subject, on: connection, logger: logger)
        }
        return try JSONResponse.make(.ok, ["scope": scope, "terms": String(dates.terms.count)])
    }
}
