import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

/// What the scheduler mails on its own clock, through the notification service, each at most once:
/// - a panel session's agenda, ``SchedulerSettings/agendaWorkingDays`` working days before it (the papers' due day);
/// - each person's week ahead, on the week's last working day from ``SchedulerSettings/weeklyScheduleAt``;
/// - a reminder to the chairs when a request is still undecided after ``SchedulerSettings/acceptWorkingDays`` working days.
/// Each email carries the events as an iCalendar file; the row that records it is written in the request's transaction.
struct ScheduleMailer: Service {
    let postgres: PostgresClient
    let settings: SchedulerSettings
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let sent = try await postgres.withTransaction(logger: logger) { connection in
                    try await Self.tick(now: Date(), settings: settings, on: connection, logger: logger)
                }
                if sent.total > 0 { logger.info("schedules mailed", metadata: ["agendas": "\(sent.agendas)", "weekly": "\(sent.weekly)", "reminders": "\(sent.reminders)"]) }
            } catch {
                logger.warning("schedules not mailed; trying again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    struct Sent: Equatable {
        var agendas = 0, weekly = 0, reminders = 0
        var total: Int { agendas + weekly + reminders }
    }

    static func tick(now: Date, settings: SchedulerSettings, on connection: PostgresConnection, logger: Logger) async throws -> Sent {
        let local = LondonTime.local(now)
        var sent = Sent()
        sent.agendas = try await agendas(today: local.date, now: now, settings: settings, on: connection, logger: logger)
        if let week = weekAhead(now: local, at: settings.weeklyScheduleAt) {
            sent.weekly = try await weeklySchedules(week: week, settings: settings, on: connection, logger: logger)
        }
        sent.reminders = try await acceptanceReminders(today: local.date, settings: settings, on: connection, logger: logger)
        return sent
    }

    // MARK: the agenda

    /// The day a session's papers are due: `workingDays` working days before it.
    static func papersDue(_ session: SchoolDate, workingDays: Int, calendar: WorkingCalendar = WorkingCalendar()) -> SchoolDate {
        var day = session, counted = 0
        while counted < workingDays {
            day = day.adding(days: -1)
            if calendar.isWorkingDay(day) { counted += 1 }
        }
        return day
    }

    static func agendas(today: SchoolDate, now: Date, settings: SchedulerSettings, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            SELECT session_id, starts_at FROM panel_sessions
            WHERE agenda_sent_at IS NULL AND starts_at > \(now) AND starts_at < \(now) + interval '21 days' ORDER BY starts_at
            """, logger: logger)
        var due: [String] = []
        for try await (id, starts) in rows.decode((String, Date).self)
        where papersDue(LondonTime.local(starts).date, workingDays: settings.agendaWorkingDays) <= today {
            due.append(id)
        }
        var sent = 0
        for session in due {
            // Claimed by this transaction only if no other instance's tick has sent it (two replicas run the mailer).
            var claimed = false
            for try await _ in try await connection.query("""
                UPDATE panel_sessions SET agenda_sent_at = now() WHERE session_id = \(session) AND agenda_sent_at IS NULL RETURNING 1
                """, logger: logger).decode(Int.self) { claimed = true }
            guard claimed else { continue }
            sent += 1
            var binds = PostgresBindings()
            binds.append(session)
            let bookings = try await Bookings.find(where: "b.session_id = $1 AND b.status = 'confirmed'", binds, on: connection, logger: logger)
            let sessionRow = try await connection.query("""
                SELECT s.starts_at, s.ends_at, s.chair, coalesce((SELECT array_agg(x) FROM jsonb_array_elements_text(ps.definition->'members') x), '{}')
                FROM panel_sessions s JOIN panel_series ps USING (series_id) WHERE s.session_id = \(session)
                """, logger: logger)
            for try await (starts, ends, chair, members) in sessionRow.decode((Date, Date, String, [String]).self) {
                let items = bookings.isEmpty ? ["No case is booked: the session may be stood down."]
                    : bookings.map { "\(LondonTime.clock(LondonTime.local($0.startsAt).minutes)) case \($0.caseId) (presenting: \($0.attendees.joined(separator: ", ")))" }
                let calendar = ICalendarWriter(method: .publish, calendarName: "AttendancePathway panel agenda")
                    .document(bookings.map { Bookings.event($0, settings: settings) })
                let people = Set([chair] + members + bookings.flatMap(\.attendees)).sorted()
                var messages: [OutboxMessage] = []
                for person in people {
                    let request = NotificationRequested(
                        requestId: "agenda-\(session)-\(person)", caseId: nil, schoolUrn: "", upn: "", templateKey: "panel_agenda", audience: .laOfficer,
                        fields: ["recipient": person, "email": settings.email(person), "when": LondonTime.span(starts, ends), "cases": String(bookings.count),
                                 "items": items.joined(separator: "\n"), "ics": calendar, "method": "PUBLISH"])
                    messages.append(try Bookings.message(request, type: NotificationRequested.type, version: NotificationRequested.version,
                                                         topic: TopicCatalogue.notificationRequests, key: session))
                }
                try await Outbox.enqueue(messages, on: connection, logger: logger)
            }
        }
        return sent
    }

    // MARK: the week ahead

    /// The Monday of the week to send, once the last working day of this week has reached the hour (or passed).
    static func weekAhead(now: LondonTime.Local, at minutes: Int, calendar: WorkingCalendar = WorkingCalendar()) -> SchoolDate? {
        let monday = now.date.weekStart
        guard let last = (0..<5).map({ monday.adding(days: $0) }).last(where: calendar.isWorkingDay) else { return nil }
        guard now.date > last || (now.date == last && now.minutes >= minutes) else { return nil }
        return monday.adding(days: 7)
    }

    static func weeklySchedules(week: SchoolDate, settings: SchedulerSettings, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let from = LondonTime.utc(.init(date: week, minutes: 0)), until = LondonTime.utc(.init(date: week.adding(days: 7), minutes: 0))
        var binds = PostgresBindings()
        binds.append(from)
        binds.append(until)
        let bookings = try await Bookings.find(where: "b.status = 'confirmed' AND b.starts_at >= $1 AND b.starts_at < $2", binds, on: connection, logger: logger)
        let meetings = try await MeetingStore.find(where: "status = 'invited' AND starts_at >= $1 AND starts_at < $2", binds, on: connection, logger: logger)
        var events: [String: [(start: Date, line: String, event: ICalendarWriter.Event)]] = [:]
        for booking in bookings {
            let event = Bookings.event(booking, settings: settings)
            for person in Set([booking.chair] + booking.members + booking.attendees) {
                events[person, default: []].append((booking.startsAt, "\(LondonTime.span(booking.startsAt, booking.endsAt)): \(event.summary)", event))
            }
        }
        for meeting in meetings {
            let event = MeetingNotices.staffEvent(meeting, settings: settings)
            for person in Set([meeting.organiser] + meeting.staff) {
                events[person, default: []].append((meeting.startsAt, "\(LondonTime.span(meeting.startsAt, meeting.endsAt)): \(event.summary)", event))
            }
        }
        var sent = 0
        for (person, entries) in events.sorted(by: { $0.key < $1.key }) {
            let inserted = try await connection.query("""
                INSERT INTO weekly_schedules (week_start, person) VALUES (\(week.iso)::date, \(person)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger)
            var fresh = false
            for try await _ in inserted.decode(Int.self) { fresh = true }
            guard fresh else { continue }
            let ordered = entries.sorted { $0.start < $1.start }
            let request = NotificationRequested(
                requestId: "week-\(week.iso)-\(person)", caseId: nil, schoolUrn: "", upn: "", templateKey: "weekly_schedule",
                audience: person.contains("@") ? .leadProfessional : .laOfficer,
                fields: ["recipient": person, "email": settings.email(person), "week": LondonTime.longDate(week), "count": String(ordered.count),
                         "items": ordered.map(\.line).joined(separator: "\n"),
                         "ics": ICalendarWriter(method: .publish, calendarName: "Your meetings, week of \(week.iso)").document(ordered.map(\.event)), "method": "PUBLISH"])
            try await Outbox.enqueue([try Bookings.message(request, type: NotificationRequested.type, version: NotificationRequested.version,
                                                           topic: TopicCatalogue.notificationRequests, key: person)], on: connection, logger: logger)
            sent += 1
        }
        return sent
    }

    // MARK: requests not decided in time

    /// The day by which a request received on `received` is to be accepted or returned.
    static func acceptBy(_ received: Date, settings: SchedulerSettings) -> SchoolDate {
        WorkingCalendar().adding(workingDays: settings.acceptWorkingDays, to: LondonTime.local(received).date)
    }

    static func acceptanceReminders(today: SchoolDate, settings: SchedulerSettings, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("""
            SELECT referral_id, case_id, received_at FROM requests WHERE state = 'received' AND acceptance_reminded_at IS NULL ORDER BY received_at
            """, logger: logger)
        var overdue: [(referral: String, caseID: String, due: SchoolDate)] = []
        for try await (referral, caseID, received) in rows.decode((String, String, Date).self) {
            let due = acceptBy(received, settings: settings)
            if due < today { overdue.append((referral, caseID, due)) }
        }
        guard !overdue.isEmpty else { return 0 }
        var chairs: [String] = []
        for try await chair in try await connection.query("SELECT DISTINCT chair FROM panel_series ORDER BY chair", logger: logger).decode(String.self) {
            chairs.append(chair)
        }
        var sent = 0
        for item in overdue {
            var claimed = false
            for try await _ in try await connection.query("""
                UPDATE requests SET acceptance_reminded_at = now() WHERE referral_id = \(item.referral) AND acceptance_reminded_at IS NULL RETURNING 1
                """, logger: logger).decode(Int.self) { claimed = true }
            guard claimed else { continue }
            sent += 1
            var messages: [OutboxMessage] = []
            for chair in chairs {
                let request = NotificationRequested(
                    requestId: "accept-by-\(item.referral)-\(chair)", caseId: item.caseID, schoolUrn: "", upn: "", templateKey: "panel_acceptance_overdue",
                    audience: .laOfficer, fields: ["recipient": chair, "email": settings.email(chair), "referralId": item.referral, "acceptBy": LondonTime.longDate(item.due)])
                messages.append(try Bookings.message(request, type: NotificationRequested.type, version: NotificationRequested.version,
                                                     topic: TopicCatalogue.notificationRequests, key: item.caseID))
            }
            try await Outbox.enqueue(messages, on: connection, logger: logger)
        }
        return sent
    }
}
