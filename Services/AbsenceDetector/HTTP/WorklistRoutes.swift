import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/schools/{urn}/pupils?band=persistent` (LA officers, LA managers, the school's lead) and
/// `GET /v1/pupils?band=severe` (LA officers: their schools; LA managers: the LA): the pupils in one absence band with their year-to-date
/// figures, lowest attendance first: an attendance team's worklist. Each row's figures are the ones
/// `GET /v1/pupils/{upn}/attendance` shows. `band` is `severe`, `persistent` (persistent but not severe),
/// `below_threshold` or `not_yet_judged`; `limit` (default 50, up to 1,000); `academicYear` as in the summary.
struct WorklistRoutes: Sendable {
    let postgres: PostgresClient
    let settings: DetectorSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(RequestScope.schoolRoles)).get("/v1/schools/:urn/pupils") { request, context in
            try await answer(request, scope: .school(context), access: context.access)
        }
        api.group().add(middleware: RequireRoles(RequestScope.localAuthorityRoles)).get("/v1/pupils") { request, context in
            try await answer(request, scope: .localAuthority(context), access: context.access)
        }
    }

    struct Row: Encodable {
        var upn: String
        var schoolUrn: String
        var yearGroup: String?
        var possibleSessions: Int
        var present: Int
        var approvedEducationalActivity: Int
        var authorisedAbsence: Int
        var unauthorisedAbsence: Int
        var attendanceRate: Double?
    }

    struct Worklist: Encodable {
        var scope: String
        var academicYear: String?
        var band: String
        var total: Int
        var pupils: [Row]
    }

    func answer(_ request: Request, scope: RequestScope, access: AccessNote) async throws -> Response {
        let bands = [AbsenceBand.severe, .persistent, .belowThreshold, .notYetJudged]
        guard let text = request.uri.queryParameters.get("band"), let band = AbsenceBand(rawValue: String(text)), bands.contains(band) else {
            return try JSONResponse.error(.badRequest, "band: expected one of \(bands.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            let limit = try ListQuery.limit(request, default: 50, range: 1...1_000)
            let requested = try ListQuery.academicYear(request)
            let year = if let requested { requested } else {
                try await PupilStateStore.latestAcademicYear(schools: scope.schools, on: postgres, logger: logger)
            }
            let (total, pupils) = try await worklist(band: band, schools: scope.schools, year: year ?? 0, limit: limit)
            access.pupils(pupils.map(\.upn))
            return try JSONResponse.make(.ok, Worklist(scope: scope.description, academicYear: year.map(ListQuery.yearName),
                                                       band: band.rawValue, total: total, pupils: pupils))
        } catch let problem as ListQuery.Problem {
            return try JSONResponse.error(.badRequest, problem.message)
        }
    }

    func worklist(band: AbsenceBand, schools: [String]?, year: Int, limit: Int) async throws -> (total: Int, pupils: [Row]) {
        let minimum = settings.thresholds.minimumPossibleSessions
        // The stored flags were judged with the thresholds in force when the pupil's last mark arrived.
        // (An integer from the settings, so writing it into the SQL text is safe.)
        let condition = switch band {
        case .severe: "s.severe_absence"
        case .persistent: "s.persistent_absence AND NOT s.severe_absence"
        case .belowThreshold: "s.possible_sessions >= \(minimum) AND NOT s.persistent_absence"
        case .notYetJudged: "s.possible_sessions < \(minimum)"
        }
        let rows = try await postgres.query("""
            SELECT s.upn, s.school_urn, p.year_group, s.possible_sessions, s.present, s.approved_educational_activity,
                   s.authorised_absence, s.unauthorised_absence, count(*) OVER ()
            FROM pupil_state s LEFT JOIN pupil_profiles p USING (school_urn, upn)
            WHERE s.academic_year = \(year) AND (\(schools)::text[] IS NULL OR s.school_urn = ANY(\(schools)::text[])) AND \(unescaped: condition)
            ORDER BY (s.present + s.approved_educational_activity)::float8 / nullif(s.possible_sessions, 0) NULLS LAST, s.school_urn, s.upn
            LIMIT \(limit)
            """, logger: logger)
        var total = 0, pupils: [Row] = []
        for try await (upn, urn, yearGroup, possible, present, aea, authorised, unauthorised, count)
            in rows.decode((String, String, String?, Int, Int, Int, Int, Int, Int).self) {
            total = count
            let figures = AttendanceFigures(possibleSessions: possible, present: present, approvedEducationalActivity: aea,
                                            authorisedAbsence: authorised, unauthorisedAbsence: unauthorised, notCounted: 0)
            pupils.append(Row(upn: upn, schoolUrn: urn, yearGroup: yearGroup, possibleSessions: possible, present: present,
                              approvedEducationalActivity: aea, authorisedAbsence: authorised, unauthorisedAbsence: unauthorised,
                              attendanceRate: Evidence.rate(figures)))
        }
        return (total, pupils)
    }
}
