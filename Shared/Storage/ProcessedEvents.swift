import Foundation
import Logging
import PostgresNIO

/// The inbox: which events a consumer has already applied. Insert in the same transaction as the
/// state change, and skip what was already there, so a redelivered event changes nothing.
public enum ProcessedEvents {
    /// Records the events as processed by `consumer` and returns those that were new. Apply only those.
    public static func markProcessed(_ eventIDs: [UUID], consumer: String, on connection: PostgresConnection, logger: Logger) async throws -> Set<UUID> {
        guard !eventIDs.isEmpty else { return [] }
        let rows = try await connection.query("""
            INSERT INTO processed_events (consumer, event_id)
            SELECT \(consumer), id FROM unnest(\(eventIDs)::uuid[]) AS ids(id)
            ON CONFLICT DO NOTHING
            RETURNING event_id
            """, logger: logger)
        var fresh: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { fresh.insert(id) }
        return fresh
    }
}

/// Consumer offsets kept in PostgreSQL beside the state they describe, for an exactly-once effect:
/// on assignment a consumer seeks to what is stored here, whatever Kafka's committed offset says.
public enum ConsumerOffsets {
    public struct Position: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        /// The next offset to read (last processed + 1).
        public var nextOffset: Int64

        public init(topic: String, partition: Int32, nextOffset: Int64) {
            self.topic = topic
            self.partition = partition
            self.nextOffset = nextOffset
        }
    }

    public static func store(_ positions: [Position], group: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !positions.isEmpty else { return }
        try await connection.query("""
            INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset)
            SELECT \(group), t, p, o FROM unnest(\(positions.map(\.topic))::text[], \(positions.map { Int($0.partition) })::int[],
                                                  \(positions.map { Int($0.nextOffset) })::bigint[]) AS x(t, p, o)
            ON CONFLICT (consumer_group, topic, partition)
            DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
            """, logger: logger)
    }

    public static func load(group: String, topic: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int32: Int64] {
        let rows = try await connection.query(
            "SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = \(group) AND topic = \(topic)",
            logger: logger)
        var result: [Int32: Int64] = [:]
        for try await (partition, offset) in rows.decode((Int32, Int64).self) { result[partition] = offset }
        return result
    }
}
