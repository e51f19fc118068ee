import AttendanceDomain
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// A booking moved, cancelled, heard: `POST /v1/bookings/{id}/move|cancel|outcome`. Each change raises the
/// booking's `SEQUENCE` (its `UID` never changes) and goes out as `meeting.moved` / `meeting.cancelled` with an
/// invitation update to every attendee; the outcome goes on `meetings.outcomes`.
struct BookingRoutes: Sendable {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger

    func add(to api: RouterGroup<ServiceRequestContext>) {
        api.group().add(middleware: RequireRoles([.panelChair, .laOfficer, .schoolLead])).post("/v1/bookings/:booking/move") { request, context in
            try await move(request, context)
        }
        let chair = api.group().add(middleware: RequireRoles([.panelChair]))
        chair.post("/v1/bookings/:booking/cancel") { request, context in try await cancel(request, context) }
        chair.post("/v1/bookings/:booking/outcome") { request, context in try await outcome(request, context) }
    }

    /// The path's live booking, locked.
    func booking(_ context: ServiceRequestContext, _ connection: PostgresConnection) async throws -> Booking {
        let text = context.parameters.get("booking") ?? ""
        guard let id = UUID(uuidString: text) else { throw RequestRefused(.notFound, "no booking \(text)") }
        try await connection.query("SELECT 1 FROM bookings WHERE booking_id = \(id) FOR UPDATE", logger: logger)
        guard let booking = try await Bookings.one(id, on: connection, logger: logger) else { throw RequestRefused(.notFound, "no booking \(text)") }
        context.access.caseID(booking.caseId)
        return booking
    }

    struct Move: Decodable {
        var sessionId: String
        var reason: String
    }

    /// The chair moves a booking at any time; the lead professional (a required attendee) up to 2 working days before it.
    func move(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let move = try await APIBody.decode(Move.self, request)
        try APIBody.require(!move.reason.isEmpty, "reason", "say why the meeting moves")
        let caller = try context.caller()
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await booking(context, connection)
            guard current.status == "confirmed" else { throw RequestRefused(.conflict, "booking \(current.bookingId) is \(current.status)") }
            if !caller.roles.contains(.panelChair) {
                guard current.attendees.contains(caller.subject) else { throw RequestRefused(.forbidden, "only the chair or the case's lead professional moves a booking") }
                let latest = WorkingCalendar().adding(workingDays: settings.moveWorkingDays, to: .today)
                guard LondonTime.local(current.startsAt).date > latest else {
                    throw RequestRefused(.conflict, "less than \(settings.moveWorkingDays) working days before the meeting: ask the chair")
                }
            }
            let rows = try await connection.query("""
                SELECT s.capacity + s.overflow, coalesce((SELECT array_agg(b.slot) FROM bookings b WHERE b.session_id = s.session_id AND b.status <> 'cancelled'), '{}')
                FROM panel_sessions s WHERE s.session_id = \(move.sessionId) AND s.starts_at > now()
                """, logger: logger)
            var free: Int?
            for try await (slots, taken) in rows.decode((Int, [Int]).self) { free = (0..<slots).first { !taken.contains($0) } }
            guard let slot = free else { throw RequestRefused(.conflict, "session \(move.sessionId) has no free slot, or is not in the future") }
            try await connection.query("""
                UPDATE bookings b SET session_id = s.session_id, slot = \(slot), sequence = b.sequence + 1, updated_at = now(),
                    starts_at = s.starts_at + make_interval(mins => (\(slot)::int * (s.slot_minutes + s.buffer_minutes))),
                    ends_at = s.starts_at + make_interval(mins => (\(slot)::int * (s.slot_minutes + s.buffer_minutes) + s.slot_minutes))
                FROM panel_sessions s WHERE b.booking_id = \(current.bookingId) AND s.session_id = \(move.sessionId)
                """, logger: logger)
            guard let moved = try await Bookings.one(current.bookingId, on: connection, logger: logger) else { throw RequestRefused(.notFound, "no booking") }
            try await Bookings.announce(moved, type: MeetingBookingChanged.moved, reason: move.reason, settings: settings, on: connection, logger: logger)
            // The freed slot goes to the head of the queue.
            _ = try await AllocationRun.run(settings: settings, on: connection, logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, moved)
        }
    }

    struct Cancel: Decodable { var reason: String }

    func cancel(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let cancel = try await APIBody.decode(Cancel.self, request)
        try APIBody.require(!cancel.reason.isEmpty, "reason", "say why the meeting is cancelled")
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await booking(context, connection)
            guard current.status == "confirmed" else { throw RequestRefused(.conflict, "booking \(current.bookingId) is \(current.status)") }
            try await Bookings.cancel(referral: current.referralId, reason: cancel.reason, settings: settings, on: connection, logger: logger)
            try await connection.query("UPDATE requests SET state = 'accepted' WHERE referral_id = \(current.referralId)", logger: logger)
            try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
            return try JSONResponse.make(.ok, ["bookingId": current.bookingId.uuidString.lowercased(), "status": "cancelled"])
        }
    }

    struct Outcome: Decodable, Equatable {
        var outcome: MeetingOutcomeRecorded.Outcome
        var recommendations: [MeetingOutcomeRecorded.Recommendation]?
        var reviewDate: String?
        var rationale: String
    }

    /// The session's chair records the outcome once: the same again changes nothing, a different one is 409.
    func outcome(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let body = try await APIBody.decode(Outcome.self, request)
        try APIBody.require(!body.rationale.isEmpty, "rationale", "must not be empty")
        if body.outcome == .furtherRecommendations {
            try APIBody.require(!(body.recommendations ?? []).isEmpty, "recommendations", "further recommendations need at least one")
        }
        for (index, recommendation) in (body.recommendations ?? []).enumerated() {
            try APIBody.require(["child", "family", "school", "professional"].contains(recommendation.owner), "recommendations[\(index)].owner",
                                "expected child, family, school or professional")
            _ = try APIBody.date(recommendation.due, field: "recommendations[\(index)].due")
        }
        if let review = body.reviewDate { _ = try APIBody.date(review, field: "reviewDate") }
        let caller = try context.caller()
        return try await APITransaction.run(postgres, logger: logger) { connection in
            let current = try await booking(context, connection)
            guard current.chair == caller.subject else { throw RequestRefused(.forbidden, "only the session's chair records its outcomes") }
            guard ["confirmed", "heard"].contains(current.status) else { throw RequestRefused(.conflict, "booking \(current.bookingId) is \(current.status)") }
            let event = MeetingOutcomeRecorded(caseId: current.caseId, referralId: current.referralId, bookingId: current.bookingId.uuidString.lowercased(),
                                               outcome: body.outcome, recommendations: body.recommendations ?? [], reviewDate: body.reviewDate,
                                               chair: caller.subject, rationale: body.rationale)
            let text = String(decoding: try EventCoding.encoder().encode(event), as: UTF8.self)
            let existing = try await connection.query("SELECT body::text FROM outcomes WHERE booking_id = \(current.bookingId)", logger: logger)
            for try await stored in existing.decode(String.self) {
                let recorded = try EventCoding.decoder().decode(MeetingOutcomeRecorded.self, from: Data(stored.utf8))
                guard recorded == event else { throw RequestRefused(.conflict, "booking \(current.bookingId)'s outcome is already recorded: \(recorded.outcome.rawValue)") }
                try await context.recordAccess(request, status: .ok, on: connection, logger: logger)
                return try JSONResponse.make(.ok, recorded)
            }
            try await connection.query("""
                INSERT INTO outcomes (booking_id, body, chair) VALUES (\(current.bookingId), \(text)::jsonb, \(caller.subject))
                """, logger: logger)
            try await connection.query("UPDATE bookings SET status = 'heard' WHERE booking_id = \(current.bookingId)", logger: logger)
            try await Outbox.enqueue([try Bookings.message(event, type: MeetingOutcomeRecorded.type, version: MeetingOutcomeRecorded.version,
                                                           topic: TopicCatalogue.meetingOutcomes, key: current.caseId)], on: connection, logger: logger)
            try await context.recordAccess(request, status: .created, on: connection, logger: logger)
            return try JSONResponse.make(.created, event)
        }
    }
}
