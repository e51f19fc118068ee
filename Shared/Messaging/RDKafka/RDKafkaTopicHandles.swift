import CRdKafka
import Synchronization

/// The producer's `rd_kafka_topic_t` handles, one per topic, created on first use and destroyed with the
/// producer. Producing by handle spares librdkafka a topic lookup by name (and a lock) per message.
final class RDKafkaTopicHandles: @unchecked Sendable {
    /// `@unchecked`: the pointers are librdkafka's thread-safe topic handles, only destroyed in deinit.
    private let handles = Locked<[String: OpaquePointer]>([:])
    private let client: RDKafkaHandle

    init(client: RDKafkaHandle) { self.client = client }

    func handle(for topic: String) throws(KafkaError) -> OpaquePointer {
        let client = self.client
        let result: OpaquePointer? = handles.withLock { handles in
            if let existing = handles[topic] { return existing }
            guard let created = rd_kafka_topic_new(client.pointer, topic, nil) else { return nil }  // ours until destroyed
            handles[topic] = created
            return created
        }
        guard let result else { throw KafkaError.from(rd_kafka_last_error(), context: "topic \(topic)") }
        return result
    }

    deinit {
        for handle in handles.withLock({ Array($0.values) }) { rd_kafka_topic_destroy(handle) }
    }
}
