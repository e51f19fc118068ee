import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// One run of the ``Allocator`` over what is stored: accepted requests without a booking, into the future
/// sessions' free slots. Runs in one transaction under an advisory lock, so two runs never book one slot twice.
enum AllocationRun {
    static func run(settings: SchedulerSettings, today: SchoolDate = .today, on connection: PostgresConnection, logger: Logger) async throws -> [Booking] {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('meeting-scheduler allocation'))", logger: logger)
        let decoder = EventCoding.decoder()
        var waiting: [Allocator.Waiting] = []
        let rows = try await connection.query("""
            SELECT r.referral_id, r.request::text, r.decided_at FROM requests r
            WHERE r.state = 'accepted' AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.referral_id = r.referral_id AND b.status = 'confirmed')
            """, logger: logger)
        for try await (referral, text, decided) in rows.decode((String, String, Date).self) {
            let request = try decoder.decode(MeetingRequested.self, from: Data(text.utf8))
            waiting.append(Allocator.Waiting(
                referralId: referral, caseId: request.caseId, acceptedOn: LondonTime.local(decided).date, acceptedAt: decided,
                hardDeadline: request.urgency.hardDeadline.flatMap { SchoolDate(iso: $0) }, severe: request.urgency.severeAbsence,
                attendancePercent: request.urgency.attendancePercent, topPriority: request.topPriority))
        }
        guard !waiting.isEmpty else { return [] }
        var sessions: [Allocator.Session] = []
        let sessionRows = try await connection.query("""
            SELECT s.session_id, s.starts_at, s.capacity, s.overflow,
                   coalesce((SELECT array_agg(b.slot) FROM bookings b WHERE b.session_id = s.session_id AND b.status <> 'cancelled'), '{}')
            FROM panel_sessions s WHERE s.starts_at > now() ORDER BY s.starts_at
            """, logger: logger)
        for try await (id, starts, capacity, overflow, taken) in sessionRows.decode((String, Date, Int, Int, [Int]).self) {
            sessions.append(Allocator.Session(sessionId: id, date: LondonTime.local(starts).date, startsAt: starts, taken: Set(taken), capacity: capacity, overflow: overflow))
        }
        let placements = Allocator.allocate(waiting, into: sessions, today: today, leadWorkingDays: settings.leadWorkingDays, calendar: WorkingCalendar())
        var booked: [Booking] = []
        for placement in placements {
            let id = UUID()
            try await connection.query("""
                INSERT INTO bookings (booking_id, referral_id, case_id, session_id, slot, starts_at, ends_at, status)
                SELECT \(id), \(placement.referralId), r.case_id, s.session_id, \(placement.slot),
                       s.starts_at + make_interval(mins => (\(placement.slot)::int * (s.slot_minutes + s.buffer_minutes))),
                       s.starts_at + make_interval(mins => (\(placement.slot)::int * (s.slot_minutes + s.buffer_minutes) + s.slot_minutes)), 'confirmed'
                FROM requests r, panel_sessions s WHERE r.referral_id = \(placement.referralId) AND s.session_id = \(placement.sessionId)
                """, logger: logger)
            try await connection.query("UPDATE requests SET state = 'booked' WHERE referral_id = \(placement.referralId)", logger: logger)
            guard let booking = try await Bookings.one(id, on: connection, logger: logger) else { continue }
            try await Bookings.announce(booking, type: MeetingBookingChanged.booked, reason: nil, settings: settings, on: connection, logger: logger)
            booked.append(booking)
        }
        return booked
    }
}
