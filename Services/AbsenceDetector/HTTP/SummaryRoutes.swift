import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/schools/{urn}/summary` (LA officers, LA managers, the school's lead) and `GET /v1/summary`
/// (LA officers: their schools; LA managers: the LA): attendance, persistent and severe absence, overall, by year group and by cohort, beside the
/// national figures. Pupils are judged on their academic year to date once they have the minimum sessions.
/// The year is the latest with marks, or `?academicYear=2025/26`.
struct SummaryRoutes: Sendable {
    let postgres: PostgresClient
    let settings: DetectorSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(RequestScope.schoolRoles)).get("/v1/schools/:urn/summary") { request, context in
            try await answer(request, scope: .school(context))
        }
        api.group().add(middleware: RequireRoles(RequestScope.localAuthorityRoles)).get("/v1/summary") { request, context in
            try await answer(request, scope: .localAuthority(context))
        }
    }

    func answer(_ request: Request, scope: RequestScope) async throws -> Response {
        do {
            return try JSONResponse.make(.ok, try await summary(scope, year: try ListQuery.academicYear(request)))
        } catch let problem as ListQuery.Problem {
            return try JSONResponse.error(.badRequest, problem.message)
        }
    }

    struct Rates: Encodable {
        var pupils = 0
        var judgedPupils = 0
        var possibleSessions = 0
        var attendedSessions = 0
        var authorisedAbsenceSessions = 0
        var unauthorisedAbsenceSessions = 0
        var attendanceRate: Double?
        var absenceRate: Double?
        var authorisedAbsenceRate: Double?
        var unauthorisedAbsenceRate: Double?
        var persistentAbsence = 0
        var persistentAbsenceRate: Double?
        var severeAbsence = 0
        var severeAbsenceRate: Double?
    }

    struct National: Encodable {
        var source = "DfE, state-funded schools in England"
        var absenceRate2023to24 = 7.1
        var persistentAbsenceRate2023to24 = 20.0
        var severeAbsenceRate2023to24 = 2.3
        var absenceRate2024to25Provisional = 6.9
        var persistentAbsenceRate2024to25Provisional = 18.7
    }

    struct Summary: Encodable {
        var scope: String
        var academicYear: String?
        var minimumPossibleSessions: Int
        var overall: Rates
        var byYearGroup: [String: Rates]
        var byCohort: [String: Rates]
        /// The pupils DfE's national figures count: aged 5 to 15 at the start of the academic year (from the
        /// compulsory-school-age dates; pupils without a profile are left out). Compare these with `national`.
        var nationalComparisonCohort: Rates
        var national = National()
    }

    /// Cohorts by their flag column in `pupil_profiles`.
    static let cohorts = [
        ("senSupport", "sen_support"), ("ehcPlan", "ehc_plan"), ("freeSchoolMeals", "free_school_meals"),
        ("childLookedAfter", "child_looked_after"), ("hasSocialWorker", "has_social_worker"),
    ]

    func summary(_ scope: RequestScope, year requested: Int?) async throws -> Summary {
        let schools = scope.schools
        let minimum = settings.thresholds.minimumPossibleSessions
        let year = if let requested { requested } else { try await PupilStateStore.latestAcademicYear(schools: schools, on: postgres, logger: logger) }
        let cohortColumns = Self.cohorts.map { "coalesce(p.\($0.1), false)" }.joined(separator: ", ")
        let cohortStart = year.map { "\($0)-09-01" }, cohortEnd = year.map { "\($0 + 1)-06-01" }
        // One pass: per pupil of the latest academic year, the figures and the groups it falls in.
        let rows = try await postgres.query("""
            SELECT coalesce(p.year_group, 'unknown'), \(unescaped: cohortColumns),
                   s.possible_sessions, s.present + s.approved_educational_activity, s.authorised_absence, s.unauthorised_absence, s.persistent_absence, s.severe_absence,
                   -- Aged 5 at 31 August: compulsory from 1 September at the latest; not yet 16: compulsory until next June.
                   coalesce(p.compulsory_from <= \(cohortStart)::date AND p.compulsory_until >= \(cohortEnd)::date, false)
            FROM pupil_state s LEFT JOIN pupil_profiles p USING (school_urn, upn)
            WHERE s.academic_year = \(year ?? 0) AND (\(schools)::text[] IS NULL OR s.school_urn = ANY(\(schools)::text[]))
            """, logger: logger)
        var overall = Accumulator(), byYear: [String: Accumulator] = [:], byCohort: [String: Accumulator] = [:], dfe = Accumulator()
        for try await (yearGroup, sen, ehc, fsm, cla, social, possible, attended, authorised, unauthorised, persistent, severe, inDfECohort)
            in rows.decode((String, Bool, Bool, Bool, Bool, Bool, Int, Int, Int, Int, Bool, Bool, Bool).self) {
            let pupil = Accumulator.Pupil(possible: possible, attended: attended, authorised: authorised, unauthorised: unauthorised,
                                          persistent: persistent, severe: severe, judged: possible >= minimum)
            overall.add(pupil)
            if inDfECohort { dfe.add(pupil) }
            byYear[yearGroup, default: Accumulator()].add(pupil)
            for (flag, (name, _)) in zip([sen, ehc, fsm, cla, social], Self.cohorts) where flag {
                byCohort[name, default: Accumulator()].add(pupil)
            }
        }
        return Summary(
            scope: scope.description, academicYear: year.map(ListQuery.yearName),
            minimumPossibleSessions: minimum, overall: overall.rates, byYearGroup: byYear.mapValues(\.rates), byCohort: byCohort.mapValues(\.rates),
            nationalComparisonCohort: dfe.rates)
    }

    struct Accumulator {
        struct Pupil {
            var possible: Int
            var attended: Int
            var authorised: Int
            var unauthorised: Int
            var persistent: Bool
            var severe: Bool
            var judged: Bool
        }
        var rates = Rates()

        mutating func add(_ pupil: Pupil) {
            rates.pupils += 1
            rates.possibleSessions += pupil.possible
            rates.attendedSessions += pupil.attended
            rates.authorisedAbsenceSessions += pupil.authorised
            rates.unauthorisedAbsenceSessions += pupil.unauthorised
            if pupil.judged {
                rates.judgedPupils += 1
                if pupil.persistent { rates.persistentAbsence += 1 }
                if pupil.severe { rates.severeAbsence += 1 }
            }
            // One rule with the pupils' own figures (Percent): attendance rounded up, absence down.
            rates.attendanceRate = Percent.attendance(rates.attendedSessions, of: rates.possibleSessions)
            rates.absenceRate = Percent.absence(rates.possibleSessions - rates.attendedSessions, of: rates.possibleSessions)
            rates.authorisedAbsenceRate = Percent.absence(rates.authorisedAbsenceSessions, of: rates.possibleSessions)
            rates.unauthorisedAbsenceRate = Percent.absence(rates.unauthorisedAbsenceSessions, of: rates.possibleSessions)
            rates.persistentAbsenceRate = Percent.absence(rates.persistentAbsence, of: rates.judgedPupils)
            rates.severeAbsenceRate = Percent.absence(rates.severeAbsence, of: rates.judgedPupils)
        }
    }
}
