import AttendanceDomain
import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// A booking as the API and the calendar show it: the case reference, never the pupil.
struct Booking: Encodable, Sendable, Equatable {
    var bookingId: UUID
    var referralId: String
    var caseId: String
    var sessionId: String
    var slot: Int
    var startsAt: Date
    var endsAt: Date
    var sequence: Int
    /// `confirmed`, `cancelled`, `heard`.
    var status: String
    var chair: String
    /// Who must attend besides the panel (the lead professional, the caseworker), from the request.
    var attendees: [String]
    var members: [String]

    enum CodingKeys: String, CodingKey {
        case bookingId, referralId, caseId, sessionId, slot, startsAt, endsAt, sequence, status, chair, attendees, members
    }

    /// The booking id in lower case, as in the calendar's UID and on the topics.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bookingId.uuidString.lowercased(), forKey: .bookingId)
        try container.encode(referralId, forKey: .referralId)
        try container.encode(caseId, forKey: .caseId)
        try container.encode(sessionId, forKey: .sessionId)
        try container.encode(slot, forKey: .slot)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(status, forKey: .status)
        try container.encode(chair, forKey: .chair)
        try container.encode(attendees, forKey: .attendees)
        try container.encode(members, forKey: .members)
    }
}

/// Bookings, their events on `meetings.booked` and their invitations (through `notification.requests`).
enum Bookings {
    static let select = """
        SELECT b.booking_id, b.referral_id, b.case_id, b.session_id, b.slot, b.starts_at, b.ends_at, b.sequence, b.status, s.chair,
               coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(r.request->'requiredAttendees') x), '{}'),
               coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(ps.definition->'members') x), '{}')
        FROM bookings b JOIN panel_sessions s USING (session_id) JOIN requests r USING (referral_id) JOIN panel_series ps ON ps.series_id = s.series_id
        """

    static func find(where condition: String, _ binds: PostgresBindings, on connection: PostgresConnection, logger: Logger) async throws -> [Booking] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: select + " WHERE " + condition + " ORDER BY b.starts_at, b.slot", binds: binds), logger: logger)
        var found: [Booking] = []
        for try await row in rows.decode((UUID, String, String, String, Int, Date, Date, Int, String, String, [String], [String]).self) {
            found.append(Booking(bookingId: row.0, referralId: row.1, caseId: row.2, sessionId: row.3, slot: row.4, startsAt: row.5, endsAt: row.6,
                                 sequence: row.7, status: row.8, chair: row.9, attendees: row.10, members: row.11))
        }
        return found
    }

    static func one(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Booking? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await find(where: "b.booking_id = $1", binds, on: connection, logger: logger).first
    }

    /// The calendar event of a booking: the case reference and a link, nothing about the pupil.
    static func event(_ booking: Booking, settings: SchedulerSettings) -> ICalendarWriter.Event {
        let people = [ICalendarWriter.Attendee(role: "CHAIR", name: booking.chair, email: settings.email(booking.chair))]
            + booking.attendees.map { ICalendarWriter.Attendee(role: "REQ-PARTICIPANT", name: $0, email: settings.email($0)) }
            + booking.members.filter { $0 != booking.chair }.map { ICalendarWriter.Attendee(role: "OPT-PARTICIPANT", name: $0, email: settings.email($0)) }
        return ICalendarWriter.Event(
            uid: "booking-\(booking.bookingId.uuidString.lowercased())@\(settings.domain)", sequence: booking.sequence, stamp: Date(),
            start: booking.startsAt, end: booking.endsAt, summary: "AttendancePathway panel – case \(booking.caseId)",
            url: "\(settings.portalURL)/cases/\(booking.caseId)", cancelled: booking.status == "cancelled",
            organizer: .init(role: "CHAIR", name: "AttendancePathway panel", email: settings.panelMailbox), attendees: people)
    }

    /// `meeting.booked` / `moved` / `cancelled` for the coordinator, and an invitation (`REQUEST`, or `CANCEL`) to each
    /// attendee through the notification service, in the transaction of the change.
    static func announce(_ booking: Booking, type: String, reason: String?, settings: SchedulerSettings,
                         on connection: PostgresConnection, logger: Logger) async throws {
        let change = MeetingBookingChanged(caseId: booking.caseId, referralId: booking.referralId, bookingId: booking.bookingId.uuidString.lowercased(),
                                           startsAt: booking.startsAt.formatted(.iso8601), endsAt: booking.endsAt.formatted(.iso8601), reason: reason)
        var messages = [try message(change, type: type, version: MeetingBookingChanged.version, topic: TopicCatalogue.meetingsBooked, key: booking.caseId)]
        let method: ICalendarWriter.Method = booking.status == "cancelled" ? .cancel : .request
        let invitation = ICalendarWriter(method: method, calendarName: "AttendancePathway panel").document([event(booking, settings: settings)])
        let request = try await requestFields(booking.referralId, on: connection, logger: logger)
        for person in Set([booking.chair] + booking.attendees + booking.members).sorted() {
            let notification = NotificationRequested(
                requestId: "\(booking.bookingId.uuidString.lowercased())-\(booking.sequence)-\(person)", caseId: booking.caseId, schoolUrn: request.school,
                upn: request.upn, templateKey: method == .cancel ? "panel_meeting_cancelled" : "panel_meeting_invitation",
                audience: person == booking.chair || booking.members.contains(person) ? .laOfficer : .leadProfessional,
                fields: ["recipient": person, "email": settings.email(person), "ics": invitation, "method": method.rawValue])
            messages.append(try message(notification, type: NotificationRequested.type, version: NotificationRequested.version,
                                        topic: TopicCatalogue.notificationRequests, key: request.school))
        }
        try await Outbox.enqueue(messages, on: connection, logger: logger)
    }

    static func requestFields(_ referral: String, on connection: PostgresConnection, logger: Logger) async throws -> (school: String, upn: String) {
        let rows = try await connection.query("SELECT request->>'schoolUrn', request->>'upn' FROM requests WHERE referral_id = \(referral)", logger: logger)
        for try await (school, upn) in rows.decode((String, String).self) { return (school, upn) }
        return ("", "")
    }

    static func message<Payload: Codable & Sendable>(_ data: Payload, type: String, version: Int, topic: TopicDescription, key: String) throws -> OutboxMessage {
        let envelope = EventEnvelope(type: type, schemaVersion: version, source: "meeting-scheduler", key: key, data: data)
        return OutboxMessage(eventID: envelope.id, topic: topic.name, key: key, payload: ByteBuffer(bytes: try EventCodec.encode(envelope)))
    }

    /// Cancels a referral's live booking, if it has one.
    static func cancel(referral: String, reason: String, settings: SchedulerSettings, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("""
            UPDATE bookings SET status = 'cancelled', sequence = sequence + 1, updated_at = now()
            WHERE referral_id = \(referral) AND status = 'confirmed' RETURNING booking_id
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        for id in ids {
            guard let booking = try await one(id, on: connection, logger: logger) else { continue }
            try await announce(booking, type: MeetingBookingChanged.cancelled, reason: reason, settings: settings, on: connection, logger: logger)
        }
    }
}
