import Messaging
import Storage

/// What a ``BatchConsumer`` knows of its partitions: which it owns, under which claim, where they end.
/// Owned by the consumer's one task.
struct PartitionTable {
    private(set) var owned = Set<TopicPartition>()
    private var claims: [TopicPartition: ConsumerOffsets.Claim] = [:]
    /// For a rebuild: where each partition ended when it was assigned.
    private var ends: [TopicPartition: Int64] = [:]

    func owns(_ partition: TopicPartition) -> Bool { owned.contains(partition) }

    func claim(of partition: TopicPartition) -> ConsumerOffsets.Claim? { claims[partition] }

    mutating func assign(_ partitions: [TopicPartition]) {
        owned.formUnion(partitions)
        // A partition assigned again is claimed again: another instance may have owned it meanwhile.
        for partition in partitions { claims[partition] = nil }
    }

    mutating func revoke(_ partitions: [TopicPartition]) {
        owned.subtract(partitions)
        for partition in partitions {
            claims[partition] = nil
            ends[partition] = nil
        }
    }

    /// Partitions another instance has claimed: ignored until the group assigns them here again.
    mutating func lose(_ partitions: [TopicPartition]) -> [TopicPartition] {
        revoke(partitions)
        return partitions
    }

    /// The owned partitions that have no claim yet, in order: the next transaction claims and loads them all,
    /// idle ones too (a handler may look across partitions, as the detector does for siblings).
    var unclaimedOwned: [TopicPartition] {
        owned.filter { claims[$0] == nil }.sorted()
    }

    mutating func record(_ new: [TopicPartition: ConsumerOffsets.Claim]) {
        claims.merge(new) { _, new in new }
    }

    /// Forgets every claim (after a transaction that did not commit); returns the partitions, for the
    /// handler to forget too: they are claimed and loaded again by the next transaction.
    mutating func unclaimAll() -> [TopicPartition] {
        claims.removeAll()
        return owned.sorted()
    }

    mutating func advance(to positions: [ConsumerOffsets.Position]) {
        for position in positions {
            let partition = TopicPartition(topic: position.topic, partition: position.partition)
            // Never backwards: a batch wholly below the stored offset (skipped) leaves it where it was.
            guard var claim = claims[partition] else { continue }
            claim.nextOffset = max(claim.nextOffset ?? 0, position.nextOffset)
            claims[partition] = claim
        }
    }

    mutating func setEnds(for partitions: [TopicPartition], from consumer: KafkaConsumer) async throws {
        for (topic, group) in Dictionary(grouping: partitions, by: \.topic) {
            for (partition, marks) in try await consumer.watermarks(topic: topic, partitions: group.map(\.partition)) {
                // Nothing left to read (empty, or emptied by retention): done from the start.
                ends[TopicPartition(topic: topic, partition: partition)] = marks.low == marks.high ? 0 : marks.high
            }
        }
    }

    /// Every owned partition processed up to where it ended when assigned (true only once something is owned).
    var reachedEnds: Bool {
        !owned.isEmpty && owned.allSatisfy { partition in
            guard let end = ends[partition] else { return false }
            return end == 0 || (claims[partition]?.nextOffset ?? -1) >= end
        }
    }
}
