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

    /// The owned partitions of these messages that have no claim yet, in order.
    func unclaimed(among messages: [KafkaMessage]) -> [TopicPartition] {
        Set(messages.map(\.topicPartition)).filter { owned.contains($0) && claims[$0] == nil }.sorted()
    }

    mutating func record(_ new: [TopicPartition: ConsumerOffsets.Claim]) {
        claims.merge(new) { _, new in new }
    }

    mutating func unclaim(_ partitions: [TopicPartition]) {
        for partition in partitions { claims[partition] = nil }
    }

    mutating func advance(to positions: [ConsumerOffsets.Position]) {
        for position in positions {
            claims[TopicPartition(topic: position.topic, partition: position.partition)]?.nextOffset = position.nextOffset
        }
    }

    mutating func setEnds(for partitions: [TopicPartition], from consumer: KafkaConsumer) async throws {
        for (topic, group) in Dictionary(grouping: partitions, by: \.topic) {
            for (partition, end) in try await consumer.endOffsets(topic: topic, partitions: group.map(\.partition)) {
                ends[TopicPartition(topic: topic, partition: partition)] = end
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
