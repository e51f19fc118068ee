import Foundation
import Logging

/// Sends a message a consumer could not process to the `.dlq` topic of the topic it came from, with
/// the reason and where it was, so the stream goes on and nothing is silently dropped.
public struct DeadLetterQueue: Sendable {
    public static let reasonHeader = "dlq.reason"
    public static let topicHeader = "dlq.original-topic"
    public static let partitionHeader = "dlq.original-partition"
    public static let offsetHeader = "dlq.original-offset"
    public static let consumerHeader = "dlq.consumer-group"
    public static let timeHeader = "dlq.time"

    private let producer: KafkaProducer
    private let consumerGroup: String
    private let logger: Logger

    public init(producer: KafkaProducer, consumerGroup: String, logger: Logger) {
        self.producer = producer
        self.consumerGroup = consumerGroup
        self.logger = logger
    }

    /// The dead-letter topic of a topic.
    public static func topic(for topic: String) -> String { topic + ".dlq" }

    /// Publishes the original key, value and headers with the reason, and waits for the acknowledgement.
    @discardableResult
    public func publish(_ message: KafkaMessage, reason: String) async throws(KafkaError) -> DeliveryReport {
        let headers = message.headers + [
            KafkaHeader(name: Self.reasonHeader, string: reason),
            KafkaHeader(name: Self.topicHeader, string: message.topic),
            KafkaHeader(name: Self.partitionHeader, string: String(message.partition)),
            KafkaHeader(name: Self.offsetHeader, string: String(message.offset)),
            KafkaHeader(name: Self.consumerHeader, string: consumerGroup),
            KafkaHeader(name: Self.timeHeader, string: Date().formatted(.iso8601)),
        ]
        let report = try await producer.send(KafkaOutgoingMessage(topic: Self.topic(for: message.topic), key: message.key.map(Array.init), value: Array(message.value), headers: headers))
        // The place only: the reason may quote the message (a pupil's UPN), and is on the topic for whoever reads it.
        logger.error("message dead-lettered", metadata: [
            "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
        ])
        return report
    }
}
