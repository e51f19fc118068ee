import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// Panels, the queue and allocation: `POST /v1/panel-series`, `GET /v1/sessions`, `GET /v1/requests`,
/// `POST /v1/requests/{referral}/accept|return`, `POST /v1/allocation-runs`.
struct PanelRoutes: Sendable {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles([.laAdmin])).post("/v1/panel-series") { request, context in try await createSeries(request, context) }
        let readers = api.group().add(middleware: RequireRoles([.laAdmin, .panelChair, .laManager, .laOfficer]))
        readers.get("/v1/sessions") { _, _ in try await sessions() }
        readers.get("/v1/requests") { _, _ in try await queue() }
        let chair = api.group().add(middleware: RequireRoles([.panelChair]))
        chair.post("/v1/requests/:referral/accept") { request, context in try await decide(request, context, accept: true) }
        chair.post("/v1/requests/:referral/return") { request, context in try await decide(request, context, accept: false) }
        api.group().add(middleware: RequireRoles([.laAdmin, .panelChair])).post("/v1/allocation-runs") { _, _ in
            let booked = try await APITransaction.run(postgres, logger: logger) { connection in
                try await AllocationRun.run(settings: settings, on: connection, logger: logger)
            }
            return try JSONResponse.make(.ok, ["booked": booked])
        }
    }

    func createSeries(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let series = try await APIBody.decode(PanelSeries.self, request)
        let sessions: [PanelSession]
        do { sessions = try series.sessions(calendar: WorkingCalendar()) } catch {
            throw RequestRefused(.unprocessableContent, "\(error.field): \(error.reason)")
        }
        let subject = try context.caller().subject
        let id = "PS-" + UUID().uuidString.prefix(8).lowercased()
        try await APITransaction.run(postgres, logger: logger) { connection in
            try await connection.query("""
                INSERT INTO panel_series (series_id, name, definition, chair, created_by)
                VALUES (\(id), \(series.name), \(String(decoding: try JSONEncoder().encode(series), as: UTF8.self))::jsonb, \(series.chair), \(subject))
                """, logger: logger)
            for session in sessions {
                try await connection.query("""
                    INSERT INTO panel_sessions (session_id, series_id, starts_at, ends_at, slot_minutes, buffer_minutes, capacity, overflow, chair)
                    VALUES (\(id + "-" + session.date.iso), \(id), \(session.startsAt), \(session.endsAt), \(session.slotMinutes), \(session.bufferMinutes),
                            \(session.capacity), \(session.overflow), \(series.chair))
                    """, logger: logger)
            }
        }
        return try JSONResponse.make(.created, ["seriesId": AnyEncodable(id), "sessions": AnyEncodable(sessions.map(\.date.iso)),
                                                "capacity": AnyEncodable(sessions.first?.capacity ?? 0)])
    }

    struct SessionView: Encodable {
        var sessionId: String
        var startsAt: Date
        var endsAt: Date
        var capacity: Int
        var overflow: Int
        var chair: String
        /// Case references in slot order.
        var bookings: [[String: String]]
    }

    func sessions() async throws -> Response {
        let rows = try await postgres.query("""
            SELECT s.session_id, s.starts_at, s.ends_at, s.capacity, s.overflow, s.chair,
                   coalesce((SELECT jsonb_agg(jsonb_build_object('slot', b.slot::text, 'caseId', b.case_id, 'bookingId', b.booking_id::text, 'status', b.status) ORDER BY b.slot)
                             FROM bookings b WHERE b.session_id = s.session_id AND b.status <> 'cancelled'), '[]')::text
            FROM panel_sessions s WHERE s.ends_at > now() - interval '30 days' ORDER BY s.starts_at
            """, logger: logger)
        var views: [SessionView] = []
        for try await row in rows.decode((String, Date, Date, Int, Int, String, String).self) {
            let bookings = try JSONDecoder().decode([[String: String]].self, from: Data(row.6.utf8))
            views.append(SessionView(sessionId: row.0, startsAt: row.1, endsAt: row.2, capacity: row.3, overflow: row.4, chair: row.5, bookings: bookings))
        }
        return try JSONResponse.make(.ok, ["sessions": views])
    }

    struct QueueItem: Encodable {
        var referralId: String
        var caseId: String
        var state: String
        var receivedAt: Date
        /// The day by which the chair accepts or returns it (2 working days after it came).
        var acceptBy: String
        /// Received and still not decided after that day.
        var acceptanceOverdue: Bool
        var decidedAt: Date?
        /// Accepted and still not booked after the breach period.
        var breach: Bool
    }

    /// The queue: received requests to decide (with their accept-by day), accepted ones waiting for a slot, and the
    /// breach list. Case references only.
    func queue() async throws -> Response {
        let rows = try await postgres.query("""
            SELECT referral_id, case_id, state, received_at, decided_at FROM requests WHERE state IN ('received', 'accepted') ORDER BY received_at
            """, logger: logger)
        var items: [QueueItem] = []
        let calendar = WorkingCalendar(), today = SchoolDate.today
        for try await row in rows.decode((String, String, String, Date, Date?).self) {
            let acceptBy = ScheduleMailer.acceptBy(row.3, settings: settings)
            let breach = row.4.map { calendar.adding(workingDays: settings.breachWorkingDays, to: LondonTime.local($0).date) < today } ?? false
            items.append(QueueItem(referralId: row.0, caseId: row.1, state: row.2, receivedAt: row.3, acceptBy: acceptBy.iso,
                                   acceptanceOverdue: row.2 == "received" && acceptBy < today, decidedAt: row.4, breach: row.2 == "accepted" && breach))
        }
        return try JSONResponse.make(.ok, ["requests": AnyEncodable(items), "breaches": AnyEncodable(items.filter(\.breach).map(\.referralId)),
                                           "acceptanceOverdue": AnyEncodable(items.filter(\.acceptanceOverdue).map(\.referralId))])
    }

    struct Return: Decodable { var reasons: [String] }

    func decide(_ request: Request, _ context: ServiceRequestContext, accept: Bool) async throws -> Response {
        let reasons = accept ? [] : try await APIBody.decode(Return.self, request).reasons
        if !accept { try APIBody.require(!reasons.isEmpty && reasons.allSatisfy { !$0.isEmpty }, "reasons", "say why the request is returned") }
        let referral = context.parameters.get("referral") ?? "", subject = try context.caller().subject
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE requests SET state = \(accept ? "accepted" : "returned"), decided_at = now(), decided_by = \(subject), return_reasons = \(reasons)
                WHERE referral_id = \(referral) AND state = 'received' RETURNING case_id
                """, logger: logger)
            var caseID: String?
            for try await value in rows.decode(String.self) { caseID = value }
            guard let caseID else {
                var known = false
                for try await _ in try await connection.query("SELECT 1 FROM requests WHERE referral_id = \(referral)", logger: logger).decode(Int.self) { known = true }
                throw known ? RequestRefused(.conflict, "request \(referral) has been decided already") : RequestRefused(.notFound, "no request \(referral)")
            }
            context.access.caseID(caseID)
            if !accept {
                try await Outbox.enqueue([try Bookings.message(MeetingRequestReturned(caseId: caseID, referralId: referral, reasons: reasons), type: MeetingRequestReturned.type,
                                                               version: MeetingRequestReturned.version, topic: TopicCatalogue.meetingsBooked, key: caseID)],
                                         on: connection, logger: logger)
            }
            return try JSONResponse.make(.ok, ["referralId": referral, "state": accept ? "accepted" : "returned"])
        }
    }
}
