import CRdKafka
import Logging
import Synchronization

/// Applies rebalances inside `rd_kafka_consumer_poll` (on the consumer's thread) and records them for
/// the next batch. Handles both the eager and the cooperative protocol.
final class RebalanceRecorder: Sendable {
    private let logger: Logger
    private let startingOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])?
    private let state = Locked<(pending: [RebalanceEvent], assigned: Set<TopicPartition>)>(([], []))
    /// Bumped with every recorded event: the poll loop reads it per message without taking the lock.
    private let events = Atomic<Int>(0)

    init(logger: Logger, startingOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])?) {
        self.logger = logger
        self.startingOffsets = startingOffsets
    }

    var eventCount: Int { events.load(ordering: .relaxed) }
    var assigned: Set<TopicPartition> { state.withLock { $0.assigned } }

    func drain() -> [RebalanceEvent] {
        state.withLock { state in
            defer { state.pending.removeAll() }
            return state.pending
        }
    }

    func handle(_ handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
        let entries = partitions.map(RDKafkaPartitionList.entries) ?? []
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if let partitions, let offsets = startingOffsets?(entries) {
                for index in 0..<Int(partitions.pointee.cnt) {
                    let element = partitions.pointee.elems[index]
                    if let offset = offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] {
                        partitions.pointee.elems[index].offset = offset
                    }
                }
            }
            if cooperative {
                if let failure = rd_kafka_incremental_assign(handle, partitions) { record(.failed(KafkaError.consuming(failure).reason)) }
            } else {
                rd_kafka_assign(handle, partitions)
            }
            state.withLock { state in
                if !cooperative { state.assigned = [] }
                state.assigned.formUnion(entries)
                state.pending.append(.assigned(entries))
            }
            events.add(1, ordering: .relaxed)
            logger.info("partitions assigned", metadata: ["kafka.partitions": "\(entries)"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if cooperative {
                if let failure = rd_kafka_incremental_unassign(handle, partitions) { record(.failed(KafkaError.consuming(failure).reason)) }
            } else {
                rd_kafka_assign(handle, nil)
            }
            state.withLock { state in
                if cooperative { state.assigned.subtract(entries) } else { state.assigned = [] }
                state.pending.append(.revoked(entries))
            }
            events.add(1, ordering: .relaxed)
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(entries)"])
        default:
            // An unexpected rebalance error: give everything up so the group can start over.
            rd_kafka_assign(handle, nil)
            let reason = String(cString: rd_kafka_err2str(error))
            state.withLock { state in
                state.pending.append(.revoked(state.assigned.sorted()))
                state.assigned = []
            }
            events.add(1, ordering: .relaxed)
            record(.failed(reason))
        }
    }

    private func record(_ event: RebalanceEvent) {
        state.withLock { $0.pending.append(event) }
        events.add(1, ordering: .relaxed)
        logger.info("rebalance problem", metadata: ["event": "\(event)"])
    }
}
