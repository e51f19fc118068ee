import AttendanceDomain
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/register-quality?date=YYYY-MM-DD`: what is wrong with the registers of a school day, for the LA's
/// attendance team and each school (DOMAIN.md: registers are taken at the start of each session).
///
/// - `missingRegisters`: a school that sends registers (any weekday in the four weeks before) with no mark at all
///   for a session of that weekday whose deadline has passed (`INGEST_AM_REGISTER_BY`, `INGEST_PM_REGISTER_BY`,
///   London time; a day before today has passed both). A school closed that day sends `#`, which is a register.
///   A session no school in the LA registered is taken as a holiday, and lists nothing (term dates are not
///   known here: a school on holiday while others are open is still listed).
/// - `weekendRegisters`: sessions marked on a Saturday or Sunday in the four weeks up to the date, which a school
///   does not normally open (a wrong date in the MIS, most often).
///
/// LA staff see the schools they see, a school's lead their own; a school outside them is not listed.
struct RegisterQualityRoutes: Sendable {
    let postgres: PostgresClient
    let logger: Logger
    let deadlines: RegisterDeadlines
    /// Now, as the date and the minutes past midnight in London (a test sets it).
    let now: @Sendable () -> (date: SchoolDate, minutes: Int)

    struct MissingRegister: Encodable, Equatable {
        var schoolUrn: String
        var session: String
        var registerBy: String
        var lastRegisterDate: String
    }

    struct WeekendRegister: Encodable, Equatable {
        var schoolUrn: String
        var date: String
        var session: String
        var marks: Int
    }

    struct Report: Encodable {
        var date: String
        var missingRegisters: [MissingRegister]
        var weekendRegisters: [WeekendRegister]
    }

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(.laOfficer, .laManager, .schoolLead)).get("/v1/register-quality") { request, context in
            let (today, minutes) = now()
            let date: SchoolDate
            if let raw = request.uri.queryParameters["date"].map(String.init) {
                guard let parsed = SchoolDate(iso: raw) else { throw RequestRefused(.badRequest, "date \(raw.prefix(20)): not a date (YYYY-MM-DD)") }
                guard parsed <= today else { throw RequestRefused(.badRequest, "date \(raw): after today (\(today.iso)); registers cannot be late yet") }
                date = parsed
            } else {
                date = today
            }
            let visible = try context.caller().visibleSchools.map { Array($0).sorted() }
            let sessionsDue = date.isWeekend ? [] : deadlines.sessionsDue(on: date, today: today, minutesNow: minutes)
            var missing: [MissingRegister] = []
            if !sessionsDue.isEmpty {
                let rows = try await postgres.query("""
                    WITH sending AS (
                        SELECT school_urn, max(date) AS last FROM marks
                        WHERE date >= \(date.iso)::date - 28 AND date < \(date.iso)::date AND extract(isodow FROM date) < 6
                          AND (\(visible)::text[] IS NULL OR school_urn = ANY(\(visible)::text[]))
                        GROUP BY school_urn)
                    SELECT s.school_urn, t.session, s.last::text FROM sending s CROSS JOIN unnest(\(sessionsDue)::text[]) AS t(session)
                    WHERE NOT EXISTS (SELECT 1 FROM marks m WHERE m.school_urn = s.school_urn AND m.date = \(date.iso)::date AND m.session = t.session)
                      -- No school in the LA registered the session: a holiday (term dates are not known here), not a missing register.
                      AND EXISTS (SELECT 1 FROM marks o WHERE o.date = \(date.iso)::date AND o.session = t.session)
                    ORDER BY s.school_urn, t.session
                    """, logger: logger)
                for try await (school, session, last) in rows.decode((String, String, String).self) {
                    missing.append(MissingRegister(schoolUrn: school, session: session, registerBy: deadlines.text(session), lastRegisterDate: last))
                }
            }
            var weekend: [WeekendRegister] = []
            let rows = try await postgres.query("""
                SELECT school_urn, date::text, session, count(*)::int FROM marks
                WHERE date > \(date.iso)::date - 28 AND date <= \(date.iso)::date AND extract(isodow FROM date) >= 6
                  AND (\(visible)::text[] IS NULL OR school_urn = ANY(\(visible)::text[]))
                GROUP BY school_urn, date, session ORDER BY date, school_urn, session LIMIT 1000
                """, logger: logger)
            for try await (school, day, session, count) in rows.decode((String, String, String, Int).self) {
                weekend.append(WeekendRegister(schoolUrn: school, date: day, session: session, marks: count))
            }
            return try JSONResponse.make(.ok, Report(date: date.iso, missingRegisters: missing, weekendRegisters: weekend))
        }
    }
}

/// When each session's register must have been taken, in minutes past midnight, London time.
struct RegisterDeadlines: Sendable {
    var morning: Int
    var afternoon: Int

    /// `INGEST_AM_REGISTER_BY` (default 10:00) and `INGEST_PM_REGISTER_BY` (default 14:30), as HH:MM.
    init(environment env: EnvironmentReader) throws(ConfigurationError) {
        morning = try env.timeOfDay("INGEST_AM_REGISTER_BY", default: 10 * 60)
        afternoon = try env.timeOfDay("INGEST_PM_REGISTER_BY", default: 14 * 60 + 30)
    }

    init(morning: Int, afternoon: Int) {
        self.morning = morning
        self.afternoon = afternoon
    }

    /// The sessions of `date` whose register is due by now.
    func sessionsDue(on date: SchoolDate, today: SchoolDate, minutesNow: Int) -> [String] {
        if date < today { return ["AM", "PM"] }
        return [("AM", morning), ("PM", afternoon)].filter { minutesNow >= $0.1 }.map(\.0)
    }

    func text(_ session: String) -> String {
        let minutes = session == "AM" ? morning : afternoon
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    /// Now in London: the date and the minutes past midnight.
    static func londonNow() -> (date: SchoolDate, minutes: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        return (SchoolDate(year: parts.year!, month: parts.month!, day: parts.day!)!, parts.hour! * 60 + parts.minute!)
    }
}
