import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// A stored message, as the dispatcher reads it.
struct StoredMessage: Sendable {
    var id: Int64
    var idempotencyKey: String
    var sourceEvent: UUID
    var sessionDate: String?
    var caseId: String?
    var requestId: String?
    var schoolUrn: String
    var upn: String
    var kind: MessageKind
    var templateKey: String
    var audience: String
    var contactKey: String?
    var channel: Channel
    var statutory: Bool
    var fields: [String: String]
    var staleAt: Date?
    var attempts: Int
    var createdAt: Date
    /// It was `sending` when claimed: an earlier attempt was interrupted (a crash, a lost answer).
    var interrupted: Bool
    /// This claim's token: an outcome is recorded only while it still holds the message.
    var leaseToken: UUID?
}

/// The messages table and its status path. Every change of status is a row in `message_statuses` and, for a
/// message about a case, a `notification.delivery` on the outbox, in the same transaction.
enum MessageStore {
    /// Stores a planned message; a redelivered event (the same key) inserts nothing. True when it was new.
    @discardableResult
    static func insert(_ message: PlannedMessage, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let fields = String(decoding: try JSONEncoder().encode(message.fields), as: UTF8.self)
        let rows = try await connection.query("""
            INSERT INTO messages (idempotency_key, source_event, request_id, case_id, school_urn, upn, kind, template_key, audience, contact_key, channel,
                                  statutory, fields, session_date, status, due_at, stale_at)
            VALUES (\(message.idempotencyKey), \(message.sourceEvent), \(message.requestId), \(message.caseId), \(message.schoolUrn), \(message.upn),
                    \(message.kind.rawValue), \(message.templateKey), \(message.audience), \(message.contactKey), \(message.channel.rawValue), \(message.statutory),
                    \(fields)::jsonb, \(message.sessionDate)::date, \(message.status), \(message.dueAt), \(message.staleAt))
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
            """, logger: logger)
        var inserted: Int64?
        for try await id in rows.decode(Int64.self) { inserted = id }
        guard let id = inserted else { return false }
        try await record(id, status: "queued", at: now, detail: "due \(message.dueAt.formatted(.iso8601))", on: connection, logger: logger)
        if message.status != "queued" {
            try await setStatus(id, to: message.status, detail: message.detail, at: now, on: connection, logger: logger)
        }
        return true
    }

    static func record(_ id: Int64, status: String, at: Date, detail: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("INSERT INTO message_statuses (message_id, status, at, detail) VALUES (\(id), \(status), \(at), \(detail))", logger: logger)
    }

    /// A claim that has run out and been taken by another attempt: this one records nothing.
    struct LeaseLost: Error, CustomStringConvertible {
        var id: Int64
        var description: String { "message \(id): the claim ran out and another attempt holds it" }
    }

    /// Moves a message to a status, records it, and tells pathway-coordinator when the message is about a case. With
    /// `lease`, only while that claim still holds the message (else ``LeaseLost``).
    static func setStatus(_ id: Int64, to status: String, detail: String?, at: Date, providerReference: String? = nil, lease: UUID? = nil,
                          on connection: PostgresConnection, logger: Logger) async throws {
        if let lease { try await hold(id, lease: lease, on: connection, logger: logger) }
        let rows = try await connection.query("""
            UPDATE messages SET status = \(status), updated_at = now(), lease_until = NULL, lease_token = NULL,
                provider_reference = coalesce(\(providerReference), provider_reference)
            WHERE id = \(id)
            RETURNING case_id, coalesce(request_id, idempotency_key), template_key, channel, contact_key, school_urn
            """, logger: logger)
        try await record(id, status: status, at: at, detail: detail, on: connection, logger: logger)
        for try await (caseID, requestID, template, channel, contact, _) in rows.decode((String?, String, String, String, String?, String).self) {
            guard let caseID else { continue }
            let delivery = NotificationDelivery(requestId: requestID, caseId: caseID, templateKey: template, status: status, channel: channel,
                                                contactId: contact, at: at.formatted(.iso8601), providerReference: providerReference)
            let envelope = EventEnvelope(type: NotificationDelivery.type, schemaVersion: NotificationDelivery.version, source: "notification", key: caseID, data: delivery)
            try await Outbox.enqueue([OutboxMessage(eventID: envelope.id, topic: TopicCatalogue.notificationDeliveries.name, key: caseID,
                                                    payload: ByteBuffer(bytes: try EventCodec.encode(envelope)))], on: connection, logger: logger)
        }
    }

    /// Locks the message and checks that `lease` is still its claim.
    static func hold(_ id: Int64, lease: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT 1 FROM messages WHERE id = \(id) AND status = 'sending' AND lease_token = \(lease) FOR UPDATE", logger: logger)
        var held = false
        for try await _ in rows.decode(Int.self) { held = true }
        if !held { throw LeaseLost(id: id) }
    }

    /// Cancels what has not gone yet; returns how many.
    static func cancel(where condition: PostgresQuery, status: String, detail: String, at: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(condition, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        for id in ids { try await setStatus(id, to: status, detail: detail, at: at, on: connection, logger: logger) }
        return ids.count
    }

    /// Claims due messages, and messages whose send was interrupted (a lease that ran out), for this dispatcher.
    static func claim(now: Date, lease: TimeInterval, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [StoredMessage] {
        let until = now.addingTimeInterval(lease)
        let rows = try await connection.query("""
            WITH due AS (
                SELECT id, status AS was FROM messages
                WHERE (status = 'queued' AND due_at <= \(now)) OR (status = 'sending' AND lease_until < \(now))
                ORDER BY due_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            UPDATE messages m SET status = 'sending', lease_until = \(until), lease_token = gen_random_uuid(), attempts = m.attempts + 1, updated_at = now()
            FROM due WHERE m.id = due.id
            RETURNING \(unescaped: columns), due.was, m.lease_token
            """, logger: logger)
        let claimed = try await decode(rows)
        for message in claimed {
            try await record(message.id, status: "sending", at: now, detail: message.interrupted ? "an earlier attempt was interrupted" : nil, on: connection, logger: logger)
        }
        return claimed
    }

    /// Messages a provider took that may have moved on since (text messages and letters through Notify, in the last week).
    static func awaitingReceipt(since: Date, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [(StoredMessage, String)] {
        let rows = try await connection.query("""
            SELECT \(unescaped: columns), m.status, m.provider_reference FROM messages m
            WHERE m.status = 'sent' AND m.channel IN ('sms', 'letter') AND m.provider_reference IS NOT NULL AND m.updated_at > \(since)
            ORDER BY m.receipt_checked_at NULLS FIRST, m.id LIMIT \(limit)
            """, logger: logger)
        var found: [(StoredMessage, String)] = []
        for try await row in rows.decode(Row.self) {
            if let reference = row.19 { found.append((message(row), reference)) }
        }
        return found
    }

    private static let columns = """
        m.id, m.idempotency_key, m.case_id, m.request_id, m.school_urn, m.upn, m.kind, m.template_key, m.audience, m.contact_key,
        m.channel, m.statutory, m.fields::text, m.stale_at, m.attempts, m.created_at, m.source_event, m.session_date::text
        """
    private typealias Row = (Int64, String, String?, String?, String, String, String, String, String, String?, String, Bool, String, Date?, Int, Date,
                             UUID, String?, String, String?)

    private static func decode(_ rows: PostgresRowSequence) async throws -> [StoredMessage] {
        var messages: [StoredMessage] = []
        for try await row in rows.decode((Int64, String, String?, String?, String, String, String, String, String, String?, String, Bool, String, Date?, Int, Date,
                                          UUID, String?, String, UUID).self) {
            var claimed = message((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15,
                                   row.16, row.17, row.18, nil))
            claimed.leaseToken = row.19
            messages.append(claimed)
        }
        return messages
    }

    /// A row as a message; the 19th column is the status the message had before this query (`sending`: interrupted).
    private static func message(_ row: Row) -> StoredMessage {
        let fields = (try? JSONDecoder().decode([String: String].self, from: Data(row.12.utf8))) ?? [:]
        return StoredMessage(id: row.0, idempotencyKey: row.1, sourceEvent: row.16, sessionDate: row.17, caseId: row.2, requestId: row.3, schoolUrn: row.4,
                             upn: row.5, kind: MessageKind(rawValue: row.6) ?? .professional, templateKey: row.7, audience: row.8, contactKey: row.9,
                             channel: Channel(rawValue: row.10) ?? .email, statutory: row.11, fields: fields, staleAt: row.13, attempts: row.14,
                             createdAt: row.15, interrupted: row.18 == "sending")
    }

    /// What was rendered and to where (masked), for the audit; legal letters keep their body.
    static func rendered(_ id: Int64, version: Int, language: String, maskedAddress: String, bodySHA256: String, legalBody: String?,
                         on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE messages SET template_version = \(version), language = \(language), address_masked = \(maskedAddress), body_sha256 = \(bodySHA256),
                legal_body = coalesce(\(legalBody), legal_body)
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Back to the queue, due again after `delay`: after a temporary failure (the attempt counts), or held for quiet hours (it does not).
    static func retry(_ id: Int64, after delay: TimeInterval, now: Date, reason: String, attemptSpent: Bool, lease: UUID?,
                      on connection: PostgresConnection, logger: Logger) async throws {
        if let lease { try await hold(id, lease: lease, on: connection, logger: logger) }
        let refund = attemptSpent ? 0 : 1
        try await connection.query("""
            UPDATE messages SET status = 'queued', due_at = \(now.addingTimeInterval(delay)), lease_until = NULL, lease_token = NULL,
                attempts = attempts - \(refund), updated_at = now()
            WHERE id = \(id)
            """, logger: logger)
        try await record(id, status: attemptSpent ? "retry" : "held_quiet_hours", at: now, detail: reason, on: connection, logger: logger)
    }
}
