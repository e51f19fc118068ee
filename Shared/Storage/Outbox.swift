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

    public init(eventID: UUID, topic: String, key: String, payload: ByteBuffer) {
        self.eventID = eventID
        self.topic = topic
        self.key = key
        self.payload = payload
    }
}

/// A claimed outbox row: its sequence number orders publication.
public struct PendingOutboxMessage: Sendable, Equatable {
    public var sequence: Int64
    public var message: OutboxMessage
    public var attempts: Int
}

/// The transactional outbox (StandardTables' `outbox`). Every call takes the caller's connection so it
/// joins the caller's transaction.
public enum Outbox {
    /// Adds messages in one statement. A message whose event id is already there is left as it was,
    /// so re-running the same transaction cannot queue an event twice.
    public static func enqueue(_ messages: [OutboxMessage], on connection: PostgresConnection, logger: Logger) async throws {
        guard !messages.isEmpty else { return }
        try await connection.query("""
            INSERT INTO outbox (event_id, topic, message_key, payload)
            SELECT * FROM unnest(\(messages.map(\.eventID))::uuid[], \(messages.map(\.topic))::text[],
                                 \(messages.map(\.key))::text[], \(messages.map(\.payload))::bytea[])
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }

    /// Locks and returns up to `limit` unpublished messages, oldest first. Rows locked by another relay are
    /// skipped. Call inside a transaction and mark the result published or failed before committing.
    public static func claim(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [PendingOutboxMessage] {
        let rows = try await connection.query("""
            SELECT id, event_id, topic, message_key, payload, attempts FROM outbox
            WHERE published_at IS NULL ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """, logger: logger)
        var claimed: [PendingOutboxMessage] = []
        for try await (id, eventID, topic, key, payload, attempts) in rows.decode((Int64, UUID, String, String, ByteBuffer, Int).self) {
            claimed.append(PendingOutboxMessage(
                sequence: id, message: OutboxMessage(eventID: eventID, topic: topic, key: key, payload: payload), attempts: attempts))
        }
        return claimed
    }

    public static func markPublished(_ sequences: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        guard !sequences.isEmpty else { return }
        try await connection.query(
            "UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY(\(sequences))",
            logger: logger)
    }

    /// Records a failed attempt; the rows stay unpublished and are claimed again later.
    public static func markFailed(_ sequences: [Int64], reason: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !sequences.isEmpty else { return }
        try await connection.query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = \(reason) WHERE id = ANY(\(sequences))",
            logger: logger)
    }

    /// How many messages wait to be published.
    public static func pendingCount(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*) FROM outbox WHERE published_at IS NULL", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
