import Foundation
import Messaging
import MetricsTestKit
import TestSupport
import Testing

@Suite("Consumer lag from librdkafka's statistics", .timeLimit(.minutes(2)))
struct ConsumerLagTests {
    @Test func lagPerPartitionIsWhatIsNotYetCommitted() async throws {
        let topic = try await KafkaTest.createTopic("lag", partitions: 1)
        let producer = try KafkaTest.producer()
        _ = try await producer.send((0..<50).map { KafkaOutgoingMessage(topic: topic, key: "k", value: Array("m\($0)".utf8)) })
        await producer.shutdown()

        let metrics = TestMetrics()
        let group = KafkaTest.uniqueName("lag")
        var configuration = KafkaConsumerConfiguration(client: KafkaTest.client, groupID: group, topics: [topic])
        configuration.statisticsInterval = .milliseconds(200)
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger, metricsFactory: metrics)
        let received = try await KafkaTest.consume(consumer, commit: false) { $0.count >= 50 }
        #expect(received.count == 50)
        // Processed and committed the first 20 only: 30 to go.
        try await consumer.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: 20)])
        var lag: Int64?
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while lag != 30, ContinuousClock.now < deadline {
            _ = try await consumer.nextBatch()  // statistics are served inside the poll
            lag = (try? metrics.expectGauge("kafka_consumer_lag", [("group", group), ("topic", topic), ("partition", "0")]))?.lastValue.map { Int64($0) }
        }
        await consumer.close()
        #expect(lag == 30)
    }
}
