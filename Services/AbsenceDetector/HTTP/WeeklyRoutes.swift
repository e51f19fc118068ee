import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// Week-by-week figures, for charts: `GET /v1/pupils/{upn}/weeks` (one pupil, as `/attendance` scopes it) and
/// `GET /v1/schools/{urn}/trend` (a school's pupils together). A week is a school week: Monday to Sunday with at
/// least one possible session; weeks of closures only (`#`, `Y`) are left out. `weeks=N` (1 to 52, default 12): the
/// last N such weeks up to the latest mark.
struct WeeklyRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger

    struct Week: Encodable, Equatable {
        var weekStarting: String
        var possibleSessions = 0
        var attendedSessions = 0
        var authorisedAbsenceSessions = 0
        var unauthorisedAbsenceSessions = 0
        /// Percent, one decimal, rounded as the figures are (``Evidence/rate``); nil in a week with no possible session.
        var attendanceRate: Double?
    }

    struct PupilWeeks: Encodable {
        var upn: String
        var schoolUrn: String
        var weeks: [Week]
    }

    struct SchoolTrend: Encodable {
        var schoolUrn: String
        var pupils: Int
        var weeks: [Week]
    }

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(PupilRoutes.roles)).get("/v1/pupils/:upn/weeks") { request, context in
            try await pupil(request, upn: context.parameters.get("upn") ?? "", context: context)
        }
        api.group().add(middleware: RequireRoles(RequestScope.schoolRoles)).get("/v1/schools/:urn/trend") { request, context in
            try await school(request, context: context)
        }
    }

    static func count(_ request: Request) throws(ListQuery.Problem) -> Int {
        guard let text = request.uri.queryParameters.get("weeks") else { return 12 }
        guard let number = Int(text), (1...52).contains(number) else { throw ListQuery.Problem(message: "weeks: expected a number from 1 to 52") }
        return number
    }

    func pupil(_ request: Request, upn: String, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard (try? UPN(parsing: upn)) != nil else {
            return try JSONResponse.error(.badRequest, "upn \(upn.prefix(20)): not a valid UPN (13 characters with a check letter)")
        }
        let wanted: Int
        do { wanted = try Self.count(request) } catch { return try JSONResponse.error(.badRequest, error.message) }
        let schools = try await PupilStateStore.schools(of: upn, on: postgres, logger: logger)
        guard let school = schools.first(where: { caller.maySee(pupil: upn, atSchool: $0) }),
              let state = try await PupilStateStore.load(school: school, upn: upn, on: postgres, logger: logger) else {
            if !schools.isEmpty { context.access.refused("the pupil's school is outside the caller's scope") }
            return try JSONResponse.error(.notFound, "no attendance for this pupil at a school you can see")
        }
        context.access.school(school)
        return try JSONResponse.make(.ok, PupilWeeks(upn: upn, schoolUrn: school, weeks: Self.weeks([state.history], last: wanted)))
    }

    func school(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let urn = try context.visibleSchool()
        let wanted: Int
        do { wanted = try Self.count(request) } catch { return try JSONResponse.error(.badRequest, error.message) }
        let histories = try await PupilStateStore.load(school: urn, on: postgres, logger: logger).map(\.history)
        return try JSONResponse.make(.ok, SchoolTrend(schoolUrn: urn, pupils: histories.count, weeks: Self.weeks(histories, last: wanted)))
    }

    /// The last `last` school weeks of these histories, together, oldest first.
    static func weeks(_ histories: [SessionHistory], last: Int) -> [Week] {
        var byWeek: [Int: Week] = [:]
        for history in histories {
            for entry in history.entries {
                let code = entry.code
                guard code.countsInPossibleSessions else { continue }
                let monday = entry.session.date.weekStart
                var week = byWeek[monday.dayNumber] ?? Week(weekStarting: monday.iso)
                week.possibleSessions += 1
                switch code.category {
                case .present, .approvedEducationalActivity: week.attendedSessions += 1
                case .authorisedAbsence: week.authorisedAbsenceSessions += 1
                case .unauthorisedAbsence: week.unauthorisedAbsenceSessions += 1
                case .notCounted: break
                }
                byWeek[monday.dayNumber] = week
            }
        }
        return byWeek.keys.sorted().suffix(last).map { key in
            var week = byWeek[key]!
            week.attendanceRate = Evidence.rate(AttendanceFigures(possibleSessions: week.possibleSessions, present: week.attendedSessions,
                                                                  approvedEducationalActivity: 0, authorisedAbsence: week.authorisedAbsenceSessions,
                                                                  unauthorisedAbsence: week.unauthorisedAbsenceSessions, notCounted: 0))
            return week
        }
    }
}
