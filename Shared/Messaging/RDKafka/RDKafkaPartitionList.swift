import CRdKafka

/// An `rd_kafka_topic_partition_list_t` we own, destroyed with this value.
final class RDKafkaPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ entries: [TopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(1, entries.count)))
        for entry in entries {
            let element = rd_kafka_topic_partition_list_add(pointer, entry.topicPartition.topic, entry.topicPartition.partition)!
            element.pointee.offset = entry.offset
        }
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    /// The entries of a list librdkafka owns (for example one passed to the rebalance callback).
    static func entries(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }
}
