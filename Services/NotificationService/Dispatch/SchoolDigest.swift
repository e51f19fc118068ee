import Crypto
import Events
import Foundation
import Logging
import PostgresNIO

/// The school attendance lead's morning digest: what the family could not be told (too late in the day, no way to
/// reach them), gathered through the day and sent as one email per school at `NOTIFY_DIGEST_AT` on weekdays.
enum SchoolDigest {
    static func add(school: String, upn: String, summary: String, at: Date, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO school_digest_items (school_urn, upn, summary, added_at) VALUES (\(school), \(upn), \(summary), \(at))
            """, logger: logger)
    }

    /// Once the digest time has come: one `digest` message per school with pending items, keyed by school and date
    /// so a restart composes nothing twice. The items are tied to the message that carries them.
    static func compose(window: SendWindow, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        guard let today = window.digestDue(now: now) else { return 0 }
        let rows = try await connection.query("""
            SELECT school_urn, array_agg(summary ORDER BY added_at, id), array_agg(id ORDER BY added_at, id)
            FROM school_digest_items WHERE digest_message_id IS NULL AND added_at < \(today.at)
            GROUP BY school_urn ORDER BY school_urn
            """, logger: logger)
        var pending: [(school: String, items: [String], ids: [Int64])] = []
        for try await (school, items, ids) in rows.decode((String, [String], [Int64]).self) { pending.append((school, items, ids)) }
        var composed = 0
        for entry in pending {
            let event = digestEvent(school: entry.school, date: today.date)
            let planned = PlannedMessage(sourceEvent: event, requestId: nil, caseId: nil, schoolUrn: entry.school, upn: "", kind: .digest,
                                         templateKey: "school_digest", audience: "school_lead", contactKey: nil, channel: .email, statutory: false,
                                         fields: ["date": today.date, "items": entry.items.joined(separator: "\n")], sessionDate: today.date,
                                         status: "queued", detail: nil, dueAt: now, staleAt: nil)
            _ = try await MessageStore.insert(planned, now: now, on: connection, logger: logger)
            try await connection.query("""
                UPDATE school_digest_items SET digest_message_id = (SELECT id FROM messages WHERE idempotency_key = \(planned.idempotencyKey))
                WHERE id = ANY(\(entry.ids))
                """, logger: logger)
            composed += 1
        }
        return composed
    }

    /// A stable id for "the digest of this school on this date" (a name-based UUID), so its idempotency key is too.
    static func digestEvent(school: String, date: String) -> UUID {
        var bytes = Array(Insecure.SHA1.hash(data: Data("school-digest|\(school)|\(date)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
