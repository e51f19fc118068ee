import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Each caseworker's 07:30 worklist digest on school days (shared/PATHWAY.md §4.1): what is overdue, due today and due
/// within 10 days on their cases, by case reference (never a pupil's name), sent through the notification service by
/// email. Once per officer per day: a row in `worklist_digests` and the request go in one transaction.
struct WorklistDigest: Service {
    let postgres: PostgresClient
    let settings: PathwaySettings
    let logger: Logger
    var interval: Duration = .seconds(30)

    static let timeZone = TimeZone(identifier: "Europe/London")!

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if let today = Self.due(now: Date(), at: settings.worklistDigestAt) {
                    let sent = try await postgres.withTransaction(logger: logger) { connection in
                        try await Self.compose(day: today, settings: settings, on: connection, logger: logger)
                    }
                    if sent > 0 { logger.info("worklist digests requested", metadata: ["officers": "\(sent)"]) }
                }
            } catch {
                logger.warning("worklist digests not composed; trying again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Today (London) once the digest time has come on a weekday, else nil.
    static func due(now: Date, at minutes: Int) -> SchoolDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        guard !calendar.isDateInWeekend(now), parts.hour! * 60 + parts.minute! >= minutes else { return nil }
        return SchoolDate(iso: String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
    }

    struct Line {
        var caseID: String
        var stage: Int
        var detail: String
        var due: String
    }

    /// The digests of `day` not yet requested: one `notification.requested` per caseworker with open tasks due within
    /// 10 days. Returns how many were requested.
    static func compose(day: SchoolDate, settings: PathwaySettings, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let horizon = day.adding(days: 10).iso
        let rows = try await connection.query("""
            SELECT c.caseworker, c.case_id, c.stage, t.detail, t.due FROM tasks t JOIN cases c USING (case_id)
            WHERE t.done_at IS NULL AND c.status <> 'closed' AND c.caseworker IS NOT NULL AND t.due <= \(horizon)
              AND NOT EXISTS (SELECT 1 FROM worklist_digests d WHERE d.day = \(day.iso)::date AND d.caseworker = c.caseworker)
            ORDER BY c.caseworker, t.due, c.case_id
            """, logger: logger)
        var byOfficer: [String: [Line]] = [:]
        for try await (officer, caseID, stage, detail, due) in rows.decode((String, String, Int, String, String).self) {
            byOfficer[officer, default: []].append(Line(caseID: caseID, stage: stage, detail: detail, due: due))
        }
        var requested = 0
        for (officer, lines) in byOfficer.sorted(by: { $0.key < $1.key }) {
            let inserted = try await connection.query("""
                INSERT INTO worklist_digests (day, caseworker) VALUES (\(day.iso)::date, \(officer)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            var fresh = false
            for try await _ in inserted.decode(Int.self) { fresh = true }
            guard fresh else { continue }
            let overdue = lines.filter { $0.due < day.iso }.count, dueToday = lines.filter { $0.due == day.iso }.count
            let shown = lines.prefix(20).map { line in
                "\(line.caseID) (stage \(line.stage)): \(line.detail), " + (line.due < day.iso ? "overdue since \(line.due)" : line.due == day.iso ? "due today" : "due \(line.due)")
            } + (lines.count > 20 ? ["and \(lines.count - 20) more in the portal"] : [])
            let request = NotificationRequested(
                requestId: "worklist-\(day.iso)-\(officer)", caseId: nil, schoolUrn: "", upn: "", templateKey: "officer_worklist_digest", audience: .laOfficer,
                fields: ["recipient": officer, "email": settings.staffEmail(officer), "date": day.iso, "overdue": String(overdue), "dueToday": String(dueToday),
                         "upcoming": String(lines.count - overdue - dueToday), "items": shown.joined(separator: "\n")])
            try await Outgoing.send([try Outgoing.notification(request)], on: connection, logger: logger)
            requested += 1
        }
        return requested
    }
}
