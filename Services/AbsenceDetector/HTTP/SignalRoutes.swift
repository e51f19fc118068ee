import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/schools/{urn}/signals` (LA officers, LA managers, the school's lead) and `GET /v1/signals`
/// (LA officers: their schools; LA managers: the LA): the signals raised, optionally about one session date (`date=2026-07-17`) and of one kind
/// (`kind=first_day_absence`), oldest first, with the total and the counts by kind. `limit` (default 50,
/// 0 to 1,000; 0 answers only the counts).
struct SignalRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(RequestScope.schoolRoles)).get("/v1/schools/:urn/signals") { request, context in
            try await answer(request, scope: .school(context), context: context)
        }
        api.group().add(middleware: RequireRoles(RequestScope.localAuthorityRoles)).get("/v1/signals") { request, context in
            try await answer(request, scope: .localAuthority(context), context: context)
        }
    }

    struct Listing: Encodable {
        var scope: String
        var date: String?
        var kind: String?
        /// Signals matching the date and the kind.
        var total: Int
        /// Signals matching the date, by kind.
        var byKind: [String: Int]
        var signals: [AttendanceSignal]
    }

    func answer(_ request: Request, scope: RequestScope, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        var date: SchoolDate?
        if let text = request.uri.queryParameters.get("date") {
            guard let parsed = SchoolDate(iso: text) else { return try JSONResponse.error(.badRequest, "date: expected a date written 2026-07-17") }
            date = parsed
        }
        var kind: AttendanceSignal.Kind?
        if let text = request.uri.queryParameters.get("kind") {
            guard let parsed = AttendanceSignal.Kind(rawValue: String(text)) else {
                return try JSONResponse.error(.badRequest, "kind: expected one of \(AttendanceSignal.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        let limit: Int
        do { limit = try ListQuery.limit(request, default: 50, range: 0...1_000) } catch {
            return try JSONResponse.error(.badRequest, error.message)
        }
        let schools = scope.schools, day = date?.iso
        let counts = try await postgres.query("""
            SELECT kind, count(*) FROM signals
            WHERE (\(schools)::text[] IS NULL OR school_urn = ANY(\(schools)::text[])) AND (\(day)::date IS NULL OR session_date = \(day)::date)
            GROUP BY kind
            """, logger: logger)
        var byKind: [String: Int] = [:]
        for try await (name, count) in counts.decode((String, Int).self) { byKind[name] = count }
        var signals: [AttendanceSignal] = []
        if limit > 0 {
            let rows = try await postgres.query("""
                SELECT payload FROM signals
                WHERE (\(schools)::text[] IS NULL OR school_urn = ANY(\(schools)::text[])) AND (\(day)::date IS NULL OR session_date = \(day)::date)
                  AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                ORDER BY created_at, event_id LIMIT \(limit)
                """, logger: logger)
            for try await payload in rows.decode(String.self) {
                signals.append(try EventCodec.decode(AttendanceSignal.self, from: Array(payload.utf8)).data.shown(to: caller, access: context.access))
            }
        }
        context.access.pupils(signals.map(\.upn))
        let total = kind.map { byKind[$0.rawValue] ?? 0 } ?? byKind.values.reduce(0, +)
        return try JSONResponse.make(.ok, Listing(scope: scope.description, date: day, kind: kind?.rawValue, total: total, byKind: byKind, signals: signals))
    }
}

extension AttendanceSignal {
    /// The signal as this caller may read it: siblings they may not see are left out, and noted as read
    /// in the access audit when shown; a session of the child's at a school they may not see keeps its
    /// date and code (it counted) but not the school.
    func shown(to caller: Identity, access: AccessNote) -> AttendanceSignal {
        guard kind == .pattern else {
            guard sessions.contains(where: { $0.schoolUrn.map { !caller.maySee(pupil: upn, atSchool: $0) } ?? false }) else { return self }
            var shown = self
            for index in shown.sessions.indices where shown.sessions[index].schoolUrn.map({ !caller.maySee(pupil: upn, atSchool: $0) }) ?? false {
                shown.sessions[index].schoolUrn = nil
            }
            return shown
        }
        var shown = self
        guard let siblings else {
            // Stored before siblings had a field of their own, the reason named them and `sessions` held their
            // marks: only a reader who sees the whole LA reads that.
            if !caller.seesWholeLA {
                shown.reason = "absent on \(asOf.prefix(10)) together with siblings"
                shown.sessions = []
            }
            return shown
        }
        shown.siblings = siblings.filter { caller.maySee(pupil: $0.upn, atSchool: $0.schoolUrn) }
        access.pupils(shown.siblings?.map(\.upn) ?? [])
        return shown
    }
}
