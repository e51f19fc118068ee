import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime

/// `GET /v1/pupils/{upn}/attendance`: a pupil's figures, flags, penalty window and last signals. A school's
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
        var signals: [AttendanceSignal]
    }

    func attendance(upn: String, context: ServiceRequestContext) async throws -> Response {
        let caller = try context.caller()
        guard (try? UPN(parsing: upn)) != nil else {
            return try JSONResponse.error(.badRequest, "upn \(upn.prefix(20)): not a valid UPN (13 characters with a check letter)")
        }
        let schools = try await PupilStateStore.schools(of: upn, on: postgres, logger: logger)
        let visible = schools.filter { caller.maySee(pupil: upn, atSchool: $0) }
        guard let school = visible.first, let pupil = try await PupilStateStore.load(school: school, upn: upn, on: postgres, logger: logger) else {
            if !schools.isEmpty { context.access.refused("the pupil's school is outside the caller's scope") }
            return try JSONResponse.error(.notFound, "no attendance for this pupil at a school you can see")
        }
        context.access.school(school)
        let figures = pupil.figures
        let window = SignalRules(settings: settings).penaltyWindow(pupil, endingAt: pupil.history.latest?.session.date ?? SchoolDate(dayNumber: 0))
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
            signals: try await lastSignals(school: school, upn: upn).map { $0.shown(to: caller, access: context.access) })
        return try JSONResponse.make(.ok, body)
    }

    private func lastSignals(school: String, upn: String, limit: Int = 20) async throws -> [AttendanceSignal] {
        let rows = try await postgres.query("""
            SELECT payload FROM signals WHERE upn = \(upn) AND school_urn = \(school) ORDER BY created_at DESC LIMIT \(limit)
            """, logger: logger)
        var signals: [AttendanceSignal] = []
        for try await payload in rows.decode(String.self) {
            if let envelope = try? EventCodec.decode(AttendanceSignal.self, from: Array(payload.utf8)) { signals.append(envelope.data) }
        }
        return signals
    }
}
