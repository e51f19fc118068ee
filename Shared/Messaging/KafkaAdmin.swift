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
            // Destroyed here, before returning: a caller that exits next must not leave its threads behind.
            defer { handle.destroy() }
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
            let results = try topicResults(on: queue, timeout: timeout + .seconds(1), context: "create topics") { event in
                rd_kafka_event_CreateTopics_result(event).map { result in
                    var count = 0
                    return (rd_kafka_CreateTopics_result_topics(result, &count), count)
                }
            }
            var outcomes: [String: TopicOutcome] = [:]
            for (name, error) in results {
                switch error {
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
            defer { handle.destroy() }  // as in createTopics
            var deletions: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
            defer { rd_kafka_DeleteTopic_destroy_array(&deletions, deletions.count) }  // ours to free
            let queue = rd_kafka_queue_new(handle.pointer)
            defer { rd_kafka_queue_destroy(queue) }
            rd_kafka_DeleteTopics(handle.pointer, &deletions, deletions.count, nil, queue)
            let results = try topicResults(on: queue, timeout: timeout, context: "delete topics") { event in
                rd_kafka_event_DeleteTopics_result(event).map { result in
                    var count = 0
                    return (rd_kafka_DeleteTopics_result_topics(result, &count), count)
                }
            }
            for (name, failure) in results where failure != RD_KAFKA_RESP_ERR_NO_ERROR && failure != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART {
                throw KafkaError.from(failure, context: "delete topic \(name)")
            }
        }
    }

    /// Waits (blocking this dedicated thread) for an admin request's result event and returns each
    /// topic's name and outcome. `topics` reads the per-topic results out of the event.
    private static func topicResults(
        on queue: OpaquePointer?, timeout: Duration, context: String,
        topics: (OpaquePointer) -> (UnsafeMutablePointer<OpaquePointer?>?, Int)?
    ) throws(KafkaError) -> [(name: String, error: rd_kafka_resp_err_t)] {
        guard let event = rd_kafka_queue_poll(queue, Int32(clamping: timeout.milliseconds)) else {
            throw KafkaError.from(RD_KAFKA_RESP_ERR__TIMED_OUT, context: context)
        }
        defer { rd_kafka_event_destroy(event) }  // the results below live in the event
        let code = rd_kafka_event_error(event)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let (list, count) = topics(event), let list else {
            throw KafkaError.from(code, context: context)
        }
        return (0..<count).map { index in
            (String(cString: rd_kafka_topic_result_name(list[index])), rd_kafka_topic_result_error(list[index]))
        }
    }
}
