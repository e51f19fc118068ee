import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/pupils/{upn}/attendance`: a pupil's figures at their latest school the caller sees, the penalty
/// window and the figures across all their schools (a pupil who moved or is dual-registered), and the last
/// signals at the schools the caller sees. A school's
/// lead sees its own pupils only, an LA officer their schools', a social worker their allocated pupils;
/// any other pupil is 404, as if unknown, and the refusal is in the access audit.
struct PupilRoutes: Sendable {
    let postgres: PostgresClient
    let settings: DetectorSettings
    let logger: Logger

    static let roles: Set<Role> = RequestScope.schoolRoles.union([.socialWorker, .virtualSchool])

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles(Self.roles)).get("/v1/pupils/:upn/attendance") { request, context in
            try await attendance(upn: context.parameters.get("upn") ?? "", context: context)
        }
    }

    struct Attendance: Encodable {
        struct Window: Encodable {
            var unauthorisedSessionsInWindow: Int
            var windowStart: String?
            var windowEnd: String?
            var schoolWeeks: Int
            var threshold: Int
        }
        var upn: String
        var schoolUrn: String
        var academicYear: String?
        var latestSession: String?
        var possibleSessions: Int
        var present: Int
        var approvedEducationalActivity: Int
        var authorisedAbsence: Int
        var unauthorisedAbsence: Int
        var notCounted: Int
        var attendanceRate: Double?
        var persistentAbsence: Bool
        var severeAbsence: Bool
        var band: String
        var conditions: [String]
        var penaltyWindow: Window
        var acrossSchools: AcrossSchools
        var signals: [AttendanceSignal]
    }

    /// The pupil's view across every school they are or were on the roll of this year and last: the figures
    /// of the child's merged timeline, and the schools the caller may see (the others are only counted).
    struct AcrossSchools: Encodable {
        var schoolCount: Int
        var schoolsVisible: [String]
        var academicYear: String?
        var possibleSessions: Int
        var unauthorisedAbsence: Int
        var attendanceRate: Double?
        var band: String
    }

    func attendance(upn: String, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard (try? UPN(parsing: upn)) != nil else {
            return try JSONResponse.error(.badRequest, "upn \(upn.prefix(20)): not a valid UPN (13 characters with a check letter)")
        }
        // Every enrolment, the most recently marked first: the journey needs them all, the caller sees some.
        let enrolments = try await PupilStateStore.load(upn: upn, on: postgres, logger: logger)
            .sorted { ($0.history.latest?.ordinal ?? -1, $0.key.school) > ($1.history.latest?.ordinal ?? -1, $1.key.school) }
        let visible = enrolments.filter { caller.maySee(pupil: upn, atSchool: $0.key.school) }
        guard let pupil = visible.first else {
            if !enrolments.isEmpty { context.access.refused("the pupil's school is outside the caller's scope") }
            return try JSONResponse.error(.notFound, "no attendance for this pupil at a school you can see")
        }
        let school = pupil.key.school
        for enrolment in visible { context.access.school(enrolment.key.school) }
        let figures = pupil.figures
        let rolls = try await rollSessions(upn: upn)
        let journey = PupilJourney(upn: upn, enrolments: enrolments, onRoll: { rolls[$0.school] })
        let journeyState = try await JourneyStore.load(upn: upn, on: postgres, logger: logger)
        let window = JourneyRules(settings: settings).penaltyWindow(journey, state: journeyState, endingAt: journey.entries.last?.session.date ?? SchoolDate(dayNumber: 0))
        let body = Attendance(
            upn: upn, schoolUrn: school, academicYear: pupil.currentYear?.description, latestSession: pupil.history.latest?.session.description,
            possibleSessions: figures.possibleSessions, present: figures.present, approvedEducationalActivity: figures.approvedEducationalActivity,
            authorisedAbsence: figures.authorisedAbsence, unauthorisedAbsence: figures.unauthorisedAbsence, notCounted: figures.notCounted,
            attendanceRate: Evidence.rate(figures), persistentAbsence: settings.thresholds.isPersistentAbsence(figures),
            severeAbsence: settings.thresholds.isSevereAbsence(figures), band: settings.thresholds.band(of: figures).rawValue,
            conditions: pupil.conditions.map(\.stored).sorted(),
            penaltyWindow: .init(unauthorisedSessionsInWindow: window.sessions.count, windowStart: pupil.history.latest == nil ? nil : window.start.iso,
                                 windowEnd: pupil.history.latest == nil ? nil : window.end.iso, schoolWeeks: settings.penaltyWindowWeeks,
                                 threshold: settings.penaltySessions),
            acrossSchools: acrossSchools(journey, visible: visible.map(\.key.school)),
            signals: try await lastSignals(schools: visible.map(\.key.school), upn: upn).map { $0.shown(to: caller, access: context.access) })
        return try JSONResponse.make(.ok, body)
    }

    /// The sessions the pupil was on each school's roll for, from the profiles' admission and leaving dates
    /// (what the detector judges the child's timeline on; a school without dates: every session).
    private func rollSessions(upn: String) async throws -> [String: ClosedRange<Int32>] {
        let rows = try await postgres.query("""
            SELECT school_urn, admitted::text, left_on::text FROM pupil_profiles WHERE upn = \(upn) AND (admitted IS NOT NULL OR left_on IS NOT NULL)
            """, logger: logger)
        var rolls: [String: ClosedRange<Int32>] = [:]
        for try await (school, admitted, left) in rows.decode((String, String?, String?).self) {
            rolls[school] = RosterIndex.Facts(admitted: admitted.flatMap(SchoolDate.init(iso:)), left: left.flatMap(SchoolDate.init(iso:))).rollSessions
        }
        return rolls
    }

    /// The merged timeline's figures for its latest academic year.
    private func acrossSchools(_ journey: PupilJourney, visible: [String]) -> AcrossSchools {
        guard let latest = journey.entries.last else {
            return AcrossSchools(schoolCount: 0, schoolsVisible: [], possibleSessions: 0, unauthorisedAbsence: 0, band: settings.thresholds.band(of: AttendanceFigures()).rawValue)
        }
        let year = AcademicYear(containing: latest.session.date)
        let start = journey.index(of: Int32(Session(date: year.firstDay, half: .am).ordinal))
        let figures = AttendanceFigures(codes: journey.entries[start...].map(\.code))
        return AcrossSchools(schoolCount: journey.schools.count, schoolsVisible: journey.schools.filter(visible.contains), academicYear: year.description,
                             possibleSessions: figures.possibleSessions, unauthorisedAbsence: figures.unauthorisedAbsence,
                             attendanceRate: Evidence.rate(figures), band: settings.thresholds.band(of: figures).rawValue)
    }

    private func lastSignals(schools: [String], upn: String, limit: Int = 20) async throws -> [AttendanceSignal] {
        let rows = try await postgres.query("""
            SELECT payload FROM signals WHERE upn = \(upn) AND school_urn = ANY(\(schools)) ORDER BY created_at DESC LIMIT \(limit)
            """, logger: logger)
        var signals: [AttendanceSignal] = []
        for try await payload in rows.decode(String.self) {
            if let envelope = try? EventCodec.decode(AttendanceSignal.self, from: Array(payload.utf8)) { signals.append(envelope.data) }
        }
        return signals
    }
}
