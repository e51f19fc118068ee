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

    /// Forgets events processed before `cutoff`; returns how many. A copy redelivered after that is no
    /// longer recognised, so the retention must exceed any redelivery window (days, not seconds).
    @discardableResult
    public static func delete(processedBefore cutoff: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            "WITH gone AS (DELETE FROM processed_events WHERE processed_at < \(cutoff) RETURNING 1) SELECT count(*) FROM gone", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// Consumer offsets kept in PostgreSQL beside the state they describe, for an exactly-once effect:
/// on assignment a consumer seeks to what is stored here, whatever Kafka's committed offset says.
///
/// Each row carries a generation, taken by whoever is assigned the partition (``claim(_:group:on:logger:)``).
/// A write names the generation it was claimed under and is refused once a newer owner has claimed the
/// partition, so a consumer that stalled past its poll interval cannot overwrite its successor's progress.
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

    /// A partition as its current owner claimed it.
    public struct Claim: Sendable, Hashable {
        public var generation: Int64
        /// The next offset to read, or nil when nothing was ever stored for the partition.
        public var nextOffset: Int64?

        public init(generation: Int64, nextOffset: Int64?) {
            self.generation = generation
            self.nextOffset = nextOffset
        }
    }

    /// The write was refused: a newer owner has claimed these partitions.
    public struct Fenced: Error, Sendable, CustomStringConvertible {
        public var partitions: [(topic: String, partition: Int32)]

        public init(partitions: [(topic: String, partition: Int32)]) { self.partitions = partitions }
        public var description: String {
            "offsets refused: partitions \(partitions.map { "\($0.topic)[\($0.partition)]" }.joined(separator: ", ")) have a newer owner"
        }
    }

    /// Takes ownership of partitions: a new generation for each, and where processing resumes.
    /// Waits for a transaction of the previous owner that holds a row, so what it committed is seen.
    public static func claim(_ partitions: [(topic: String, partition: Int32)], group: String, on connection: PostgresConnection,
                             logger: Logger) async throws -> [String: [Int32: Claim]] {
        guard !partitions.isEmpty else { return [:] }
        let rows = try await connection.query("""
            INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset, generation)
            SELECT \(group), t, p, -1, 1 FROM unnest(\(partitions.map(\.topic))::text[], \(partitions.map { Int($0.partition) })::int[]) AS x(t, p)
            ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET generation = consumer_offsets.generation + 1, updated_at = now()
            RETURNING topic, partition, next_offset, generation
            """, logger: logger)
        var claims: [String: [Int32: Claim]] = [:]
        for try await (topic, partition, next, generation) in rows.decode((String, Int32, Int64, Int64).self) {
            claims[topic, default: [:]][partition] = Claim(generation: generation, nextOffset: next >= 0 ? next : nil)
        }
        return claims
    }

    /// Stores positions under the generations they were claimed with, never moving one backwards (a batch
    /// redelivered below the stored offset leaves it). Throws ``Fenced`` (roll the transaction back) when
    /// any partition has been claimed since.
    public static func store(_ positions: [(position: Position, generation: Int64)], group: String, on connection: PostgresConnection,
                             logger: Logger) async throws {
        guard !positions.isEmpty else { return }
        let rows = try await connection.query("""
            UPDATE consumer_offsets o SET next_offset = GREATEST(o.next_offset, x.n), updated_at = now()
            FROM unnest(\(positions.map(\.position.topic))::text[], \(positions.map { Int($0.position.partition) })::int[],
                        \(positions.map { Int($0.position.nextOffset) })::bigint[], \(positions.map { Int($0.generation) })::bigint[]) AS x(t, p, n, g)
            WHERE o.consumer_group = \(group) AND o.topic = x.t AND o.partition = x.p AND o.generation = x.g
            RETURNING o.topic, o.partition
            """, logger: logger)
        var stored = Set<String>()
        for try await (topic, partition) in rows.decode((String, Int32).self) { stored.insert("\(partition)|\(topic)") }
        let refused = positions.map { ($0.position.topic, $0.position.partition) }.filter { !stored.contains("\($0.1)|\($0.0)") }
        if !refused.isEmpty { throw Fenced(partitions: refused) }
    }

    /// Every stored position of the group's topics (nil-free: partitions never written are left out).
    public static func load(group: String, topics: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String: [Int32: Int64]] {
        let rows = try await connection.query(
            "SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_group = \(group) AND topic = ANY(\(topics)) AND next_offset >= 0",
            logger: logger)
        var result: [String: [Int32: Int64]] = [:]
        for try await (topic, partition, offset) in rows.decode((String, Int32, Int64).self) { result[topic, default: [:]][partition] = offset }
        return result
    }

    public static func load(group: String, topic: String, on connection: PostgresConnection, logger: Logger) async throws -> [Int32: Int64] {
        try await load(group: group, topics: [topic], on: connection, logger: logger)[topic] ?? [:]
    }
}
