import Foundation
import Logging
import NIOCore
import PostgresNIO

/// An event waiting in the outbox: written in the same transaction as the state change it reports,
/// published afterwards by the service's relay.
public struct OutboxMessage: Sendable, Equatable {
    public var eventID: UUID
    public var topic: String
    public var key: String
    public var payload: ByteBuffer
    /// Headers besides `event-id` (which the relay adds): a dead letter's reason and origin, for example.
    public var headers: [OutboxHeader]

    public init(eventID: UUID, topic: String, key: String, payload: ByteBuffer, headers: [OutboxHeader] = []) {
        self.eventID = eventID
        self.topic = topic
        self.key = key
        self.payload = payload
        self.headers = headers
    }
}

/// A text header of an outbox message.
public struct OutboxHeader: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A claimed outbox row: its sequence number orders publication.
public struct PendingOutboxMessage: Sendable, Equatable {
    public var sequence: Int64
    public var message: OutboxMessage
    public var attempts: Int
}

/// What waits in the outbox: for the gauges and for an operator.
public struct OutboxBacklog: Sendable, Equatable {
    /// Rows not yet published and not parked.
    public var pending: Int
    /// Seconds since the oldest of them was written (0 when there is none).
    public var oldestAgeSeconds: Double
    /// Rows set aside after too many failed attempts.
    public var parked: Int
}

/// The transactional outbox (StandardTables' `outbox`). Every call takes the caller's connection so it
/// joins the caller's transaction.
public enum Outbox {
    /// Adds messages in one statement. A message whose event id is already there is left as it was,
    /// so re-running the same transaction cannot queue an event twice.
    public static func enqueue(_ messages: [OutboxMessage], on connection: PostgresConnection, logger: Logger) async throws {
        guard !messages.isEmpty else { return }
        let encoder = JSONEncoder()
        // Most messages have no headers of their own: NULL rather than an empty array keeps the row small.
        let headers = try messages.map { $0.headers.isEmpty ? "" : String(decoding: try encoder.encode($0.headers), as: UTF8.self) }
        try await connection.query("""
            INSERT INTO outbox (event_id, topic, message_key, payload, headers)
            SELECT id, t, k, p, NULLIF(h, '')::jsonb
            FROM unnest(\(messages.map(\.eventID))::uuid[], \(messages.map(\.topic))::text[],
                        \(messages.map(\.key))::text[], \(messages.map(\.payload))::bytea[], \(headers)::text[]) AS x(id, t, k, p, h)
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }

    /// Locks and returns up to `limit` unpublished messages, oldest first. A row the broker has refused for its
    /// own sake (parked, or with failed attempts) holds back the later rows of its topic and key: their order
    /// matters to consumers. Rows of other keys go on. Call inside the relay's transaction, as the leader,
    /// and mark the result before committing.
    public static func claim(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [PendingOutboxMessage] {
        // First the few rows that hold their key back (an index of their own), then the claim with their keys
        // as a small list. One query with a correlated NOT EXISTS was planned, on a young table without
        // statistics, as a scan of every unpublished row per candidate: quadratic under load.
        let held = try await connection.query("""
            SELECT topic, message_key, min(id) FROM outbox
            WHERE published_at IS NULL AND (parked_at IS NOT NULL OR attempts > 0) GROUP BY topic, message_key
            """, logger: logger)
        var heldTopics: [String] = [], heldKeys: [String] = [], heldFrom: [Int64] = []
        for try await (topic, key, first) in held.decode((String, String, Int64).self) {
            heldTopics.append(topic)
            heldKeys.append(key)
            heldFrom.append(first)
        }
        let rows = try await connection.query("""
            SELECT o.id, o.event_id, o.topic, o.message_key, o.payload, coalesce(o.headers::text, ''), o.attempts FROM outbox o
            WHERE o.published_at IS NULL AND o.parked_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM unnest(\(heldTopics)::text[], \(heldKeys)::text[], \(heldFrom)::bigint[]) AS h(topic, message_key, first)
                              WHERE h.topic = o.topic AND h.message_key = o.message_key AND o.id > h.first)
            ORDER BY o.id LIMIT \(limit) FOR UPDATE OF o
            """, logger: logger)
        var claimed: [PendingOutboxMessage] = []
        let decoder = JSONDecoder()
        for try await (id, eventID, topic, key, payload, headers, attempts) in rows.decode((Int64, UUID, String, String, ByteBuffer, String, Int).self) {
            let decoded = headers.isEmpty ? [] : try decoder.decode([OutboxHeader].self, from: Data(headers.utf8))
            claimed.append(PendingOutboxMessage(
                sequence: id, message: OutboxMessage(eventID: eventID, topic: topic, key: key, payload: payload, headers: decoded),
                attempts: attempts))
        }
        return claimed
    }

    public static func markPublished(_ sequences: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !sequences.isEmpty else { return }
        try await connection.query(
            "UPDATE outbox SET published_at = now(), last_error = NULL WHERE id = ANY(\(sequences))",
            logger: logger)
    }

    /// Records a failed attempt; the rows stay unpublished and are claimed again later. With `counting`
    /// false (the broker could not be reached: not the rows' fault) the attempt does not count toward parking.
    public static func markFailed(_ sequences: [Int64], reason: String, counting: Bool = true, on connection: PostgresConnection, logger: Logger) async throws {
        // `attempts` counts only refusals for the row's own sake: a row with attempts holds its key back (see claim).
        guard !sequences.isEmpty else { return }
        try await connection.query(
            "UPDATE outbox SET attempts = attempts + \(counting ? 1 : 0), last_error = \(reason) WHERE id = ANY(\(sequences))",
            logger: logger)
    }

    /// Sets aside the rows whose failed attempts reached `maxAttempts`; returns their event ids and topics.
    public static func park(reaching maxAttempts: Int, among sequences: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [(eventID: UUID, topic: String)] {
        guard !sequences.isEmpty else { return [] }
        let rows = try await connection.query("""
            UPDATE outbox SET parked_at = now() WHERE id = ANY(\(sequences)) AND attempts >= \(maxAttempts) AND published_at IS NULL
            RETURNING event_id, topic
            """, logger: logger)
        var parked: [(UUID, String)] = []
        for try await (id, topic) in rows.decode((UUID, String).self) { parked.append((id, topic)) }
        return parked
    }

    /// Puts parked rows back in line (after an operator has fixed what refused them); returns how many.
    @discardableResult
    public static func release(_ eventIDs: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "UPDATE outbox SET parked_at = NULL, attempts = 0 WHERE event_id = ANY(\(eventIDs)) AND parked_at IS NOT NULL RETURNING id",
            logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// How many messages wait to be published (parked ones included).
    public static func pendingCount(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*) FROM outbox WHERE published_at IS NULL", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    public static func backlog(on connection: PostgresConnection, logger: Logger) async throws -> OutboxBacklog {
        let rows = try await connection.query("""
            SELECT count(*) FILTER (WHERE parked_at IS NULL),
                   coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)), 0)::float8,
                   count(*) FILTER (WHERE parked_at IS NOT NULL)
            FROM outbox WHERE published_at IS NULL
            """, logger: logger)
        for try await (pending, age, parked) in rows.decode((Int, Double, Int).self) {
            return OutboxBacklog(pending: pending, oldestAgeSeconds: age, parked: parked)
        }
        return OutboxBacklog(pending: 0, oldestAgeSeconds: 0, parked: 0)
    }

    /// Deletes rows published before `cutoff` (they hold personal data and are no longer needed); returns how many.
    @discardableResult
    public static func deletePublished(before cutoff: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "WITH gone AS (DELETE FROM outbox WHERE published_at < \(cutoff) RETURNING 1) SELECT count(*) FROM gone", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
