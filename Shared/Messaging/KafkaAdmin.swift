import CRdKafka
import Logging

/// Cluster administration: creating topics.
public enum KafkaAdmin {
    public enum TopicOutcome: Sendable, Hashable { case created, alreadyExisted }

    /// Creates the topics with their partition counts. A topic that already exists is fine.
    /// - Parameter replicationFactor: -1 takes the broker's default.
    public static func createTopics(
        _ topics: [(name: String, partitions: Int)], configuration: KafkaConfiguration, logger: Logger,
        replicationFactor: Int = -1, timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [String: TopicOutcome] {
        guard !topics.isEmpty else { return [:] }
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.properties, callbacks: RDKafkaCallbacks(logger: logger))
        let executor = BlockingExecutor(label: "kafka.admin")
        return try await executor.run { () throws(KafkaError) -> [String: TopicOutcome] in
            var errorText = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { rd_kafka_NewTopic_destroy_array(&newTopics, newTopics.count) }  // we own what NewTopic_new made
            for topic in topics {
                guard let newTopic = rd_kafka_NewTopic_new(topic.name, Int32(topic.partitions), Int32(replicationFactor), &errorText, errorText.count) else {
                    throw KafkaError.configuration("topic \(topic.name): \(String(cBuffer: errorText))")
                }
                newTopics.append(newTopic)
            }
            let queue = rd_kafka_queue_new(handle.pointer)
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(handle.pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            rd_kafka_AdminOptions_set_operation_timeout(options, Int32(clamping: timeout.milliseconds), &errorText, errorText.count)
            rd_kafka_AdminOptions_set_request_timeout(options, Int32(clamping: timeout.milliseconds), &errorText, errorText.count)
            rd_kafka_CreateTopics(handle.pointer, &newTopics, newTopics.count, options, queue)
            // Blocks this dedicated thread until the result event arrives.
            guard let event = rd_kafka_queue_poll(queue, Int32(clamping: timeout.milliseconds + 1000)) else {
                throw KafkaError.from(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "create topics")
            }
            defer { rd_kafka_event_destroy(event) }
            let code = rd_kafka_event_error(event)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let result = rd_kafka_event_CreateTopics_result(event) else {
                throw KafkaError.from(code, context: "create topics")
            }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(result, &count)
            var outcomes: [String: TopicOutcome] = [:]
            for index in 0..<count {
                let topicResult = results![index]
                let name = String(cString: rd_kafka_topic_result_name(topicResult))
                switch rd_kafka_topic_result_error(topicResult) {
                case RD_KAFKA_RESP_ERR_NO_ERROR: outcomes[name] = .created
                case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcomes[name] = .alreadyExisted
                case let failure: throw KafkaError.from(failure, context: "create topic \(name)")
                }
            }
            return outcomes
        }
    }

    /// Deletes topics; a topic that does not exist is fine.
    public static func deleteTopics(_ names: [String], configuration: KafkaConfiguration, logger: Logger, timeout: Duration = .seconds(30)) async throws(KafkaError) {
        guard !names.isEmpty else { return }
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.properties, callbacks: RDKafkaCallbacks(logger: logger))
        let executor = BlockingExecutor(label: "kafka.admin")
        try await executor.run { () throws(KafkaError) in
            var deletions: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
            defer { rd_kafka_DeleteTopic_destroy_array(&deletions, deletions.count) }  // ours to free
            let queue = rd_kafka_queue_new(handle.pointer)
            defer { rd_kafka_queue_destroy(queue) }
            rd_kafka_DeleteTopics(handle.pointer, &deletions, deletions.count, nil, queue)
            guard let event = rd_kafka_queue_poll(queue, Int32(clamping: timeout.milliseconds)) else {
                throw KafkaError.from(RD_KAFKA_RESP_ERR__TIMED_OUT, context: "delete topics")
            }
            defer { rd_kafka_event_destroy(event) }
            let code = rd_kafka_event_error(event)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let result = rd_kafka_event_DeleteTopics_result(event) else {
                throw KafkaError.from(code, context: "delete topics")
            }
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(result, &count)
            for index in 0..<count {
                let failure = rd_kafka_topic_result_error(results![index])
                guard failure == RD_KAFKA_RESP_ERR_NO_ERROR || failure == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART else {
                    throw KafkaError.from(failure, context: "delete topic \(String(cString: rd_kafka_topic_result_name(results![index])))")
                }
            }
        }
    }
}
