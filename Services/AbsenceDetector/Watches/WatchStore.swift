import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// The `watches` table: open watches are read for the pupils a batch changed; a watch is closed once
/// it has ended (a breach is noted and the watch stays open until its end).
enum WatchStore {
    static func record(_ watch: Watch, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO watches (watch_id, school_urn, upn, from_date, to_date, max_unauthorised, min_attendance_percent)
            VALUES (\(watch.id), \(watch.key.school), \(watch.key.upn), \(watch.from.iso)::date, \(watch.to.iso)::date,
                    \(watch.maxUnauthorisedSessions), \(watch.minAttendancePercent))
            ON CONFLICT (watch_id) DO NOTHING
            """, logger: logger)
    }

    static func cancel(_ id: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE watches SET cancelled_at = now() WHERE watch_id = \(id) AND cancelled_at IS NULL", logger: logger)
    }

    /// The open watches (not ended, not cancelled) of these pupils.
    static func open(for keys: [PupilKey], on connection: PostgresConnection, logger: Logger) async throws -> [Watch] {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT w.watch_id, w.school_urn, w.upn, w.from_date::text, w.to_date::text, w.max_unauthorised, w.min_attendance_percent, w.breached_at IS NOT NULL
            FROM watches w JOIN unnest(\(keys.map(\.school))::text[], \(keys.map(\.upn))::text[]) AS k(school_urn, upn) USING (school_urn, upn)
            WHERE w.ended_at IS NULL AND w.cancelled_at IS NULL
            """, logger: logger)
        var watches: [Watch] = []
        for try await (id, school, upn, from, to, maximum, minimum, breached) in rows.decode((String, String, String, String, String, Int, Int?, Bool).self) {
            guard let from = SchoolDate(iso: from), let to = SchoolDate(iso: to) else { continue }
            watches.append(Watch(id: id, key: PupilKey(school: school, upn: upn), from: from, to: to, maxUnauthorisedSessions: maximum,
                                 minAttendancePercent: minimum, breached: breached))
        }
        return watches
    }

    /// Evaluates the watches against the pupils' current state, notes what happened and returns the signals.
    static func evaluate(_ watches: [Watch], pupils: (PupilKey) -> PupilState?, on connection: PostgresConnection, logger: Logger) async throws -> [AttendanceSignal] {
        var signals: [AttendanceSignal] = []
        for watch in watches {
            guard let pupil = pupils(watch.key) else { continue }
            let outcomes = watch.evaluate(pupil)
            guard !outcomes.isEmpty else { continue }
            signals += watch.signals(outcomes, pupil: pupil)
            let breached = outcomes.contains { if case .breached = $0 { true } else { false } }
            let ended = outcomes.contains { if case .ended = $0 { true } else { false } }
            try await connection.query("""
                UPDATE watches SET breached_at = CASE WHEN \(breached) THEN coalesce(breached_at, now()) ELSE breached_at END,
                    ended_at = CASE WHEN \(ended) THEN now() ELSE ended_at END
                WHERE watch_id = \(watch.id)
                """, logger: logger)
        }
        return signals
    }
}
