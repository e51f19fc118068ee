import Foundation
import Logging
import Metrics

/// The Kafka metrics every service exports: messages produced and consumed, delivery latency, lag.
enum KafkaMetrics {
    static let deliveryLatency = Timer(label: "kafka_producer_delivery_latency_seconds", preferredDisplayUnit: .seconds)

    static func produced(_ messages: [KafkaOutgoingMessage], results: [Result<DeliveryReport, KafkaError>]) {
        var counts: [String: (ok: Int, failed: Int)] = [:]
        if let topic = messages.first?.topic, messages.allSatisfy({ $0.topic == topic }) {
            // The usual case, one topic per batch, without a dictionary update per message.
            let failed = results.reduce(0) { if case .failure = $1 { $0 + 1 } else { $0 } }
            counts[topic] = (messages.count - failed, failed)
        } else {
            for (message, result) in zip(messages, results) {
                if case .success = result { counts[message.topic, default: (0, 0)].ok += 1 } else { counts[message.topic, default: (0, 0)].failed += 1 }
            }
        }
        for (topic, count) in counts {
            if count.ok > 0 { Counter(label: "kafka_messages_produced_total", dimensions: [("topic", topic), ("outcome", "acknowledged")]).increment(by: count.ok) }
            if count.failed > 0 { Counter(label: "kafka_messages_produced_total", dimensions: [("topic", topic), ("outcome", "failed")]).increment(by: count.failed) }
        }
    }

    static func consumed(_ messages: [KafkaMessage]) {
        var counts: [String: Int] = [:]
        for message in messages { counts[message.topic, default: 0] += 1 }
        for (topic, count) in counts { Counter(label: "kafka_messages_consumed_total", dimensions: [("topic", topic)]).increment(by: count) }
    }
}

/// Reads librdkafka's statistics (JSON, every `statistics.interval.ms`) into gauges: consumer lag per
/// partition, and the messages waiting in the producer's queue.
final class KafkaStatistics: Sendable {
    private let logger: Logger
    private let factory: any MetricsFactory
    /// A consumer's group: its lag is labelled with it, so that two services reading one topic are told apart.
    private let group: String?

    init(logger: Logger, factory: any MetricsFactory, group: String? = nil) {
        self.logger = logger
        self.factory = factory
        self.group = group
    }

    /// The statistics callback for a client, or nil when statistics are off.
    static func callback(every interval: Duration?, group: String? = nil, logger: Logger, factory: any MetricsFactory) -> (@Sendable (String) -> Void)? {
        guard interval != nil else { return nil }
        let statistics = KafkaStatistics(logger: logger, factory: factory, group: group)
        return { @Sendable json in statistics.record(json) }
    }

    func record(_ json: String) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            logger.debug("unreadable Kafka statistics")
            return
        }
        if let queued = root["msg_cnt"] as? Int {
            Gauge(label: "kafka_producer_queue_messages", factory: factory).record(queued)
        }
        guard let topics = root["topics"] as? [String: Any] else { return }
        for (topic, value) in topics {
            guard let partitions = (value as? [String: Any])?["partitions"] as? [String: Any] else { continue }
            for (partition, stats) in partitions where partition != "-1" {
                // consumer_lag is -1 until the consumer has a committed offset and the high watermark.
                guard let lag = (stats as? [String: Any])?["consumer_lag"] as? Int, lag >= 0 else { continue }
                Gauge(label: "kafka_consumer_lag", dimensions: [("group", group ?? ""), ("topic", topic), ("partition", partition)], factory: factory).record(lag)
            }
        }
    }
}

extension Timer {
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
