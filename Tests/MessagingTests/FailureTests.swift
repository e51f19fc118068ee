import Events
import Foundation
@_spi(Testing) import Messaging
import TestSupport
import Testing

@Suite("Bad messages and a broker that is away", .timeLimit(.minutes(3)))
struct FailureTests {
    struct MarkRecorded: Codable, Sendable, Equatable {
        var upn: String
        var code: String
    }

    func envelope(_ upn: String) throws -> [UInt8] {
        try EventCodec.encode(EventEnvelope(type: "test.mark", schemaVersion: 1, source: "tests", key: "100000", data: MarkRecorded(upn: upn, code: "/")))
    }

    @Test func aMessageThatCannotBeDecodedGoesToTheDeadLetterTopicAndTheStreamGoesOn() async throws {
        let topic = KafkaTest.uniqueName("dlq-source")
        _ = try await KafkaAdmin.createTopics([(topic, 1), (DeadLetterQueue.topic(for: topic), 1)], configuration: KafkaTest.client, logger: KafkaTest.logger)
        let producer = try KafkaTest.producer()
        for value in [try envelope("B801200005001"), Array("not json {".utf8), try envelope("A801200005002")] {
            try await producer.send(KafkaOutgoingMessage(topic: topic, key: "100000", value: value))
        }

        // A consumer loop as a service runs it: decode, apply, or dead-letter; then commit.
        let group = KafkaTest.uniqueName("group")
        let consumer = try KafkaTest.consumer(group: group, topics: [topic])
        let deadLetters = DeadLetterQueue(producer: producer, consumerGroup: group, logger: KafkaTest.logger)
        var applied: [String] = []
        var handled = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while handled < 3, ContinuousClock.now < deadline {
            let batch = try await consumer.nextBatch()
            for message in batch.messages {
                do {
                    applied.append(try EventCodec.decode(MarkRecorded.self, from: message.value).data.upn)
                } catch {
                    try await deadLetters.publish(message, reason: error.reason)
                }
                handled += 1
            }
            try await consumer.commit(batch)
        }
        await consumer.close()
        #expect(applied == ["B801200005001", "A801200005002"])

        let reader = try KafkaTest.consumer(group: KafkaTest.uniqueName("dlq-reader"), topics: [DeadLetterQueue.topic(for: topic)])
        let dead = try await KafkaTest.consume(reader) { !$0.isEmpty }
        await reader.close()
        await producer.shutdown()
        let letter = try #require(dead.first)
        #expect(dead.count == 1)
        #expect(letter.text == "not json {")
        #expect(letter.keyString == "100000")
        #expect(letter.header(DeadLetterQueue.reasonHeader)?.stringValue == "not a JSON event")
        #expect(letter.header(DeadLetterQueue.topicHeader)?.stringValue == topic)
        #expect(letter.header(DeadLetterQueue.partitionHeader)?.stringValue == "0")
        #expect(letter.header(DeadLetterQueue.offsetHeader)?.stringValue == "1")
        #expect(letter.header(DeadLetterQueue.consumerHeader)?.stringValue == group)
    }

    @Test func withTheBrokerDownASendFailsAfterItsTimeoutAndSucceedsOnceTheBrokerIsBack() async throws {
        let port = TestEnvironment.freePort()
        let producer = try KafkaTest.producer(deliveryTimeout: .seconds(3), bootstrap: "127.0.0.1:\(port)")
        let started = ContinuousClock.now
        do {
            try await producer.send(KafkaOutgoingMessage(topic: "offline-test", key: "100000", value: Array("a".utf8)))
            Issue.record("a send with no broker succeeded")
        } catch {
            #expect(error.isRetriable)
            #expect(error.reason.contains("timed out"), "\(error)")
        }
        let waited = started.duration(to: .now)
        #expect(waited >= .seconds(2.5) && waited < .seconds(15))

        // Start a broker of our own on that port; the same producer, not restarted, gets through.
        let broker = try await TestBroker(port: port, topics: ["offline-test"], logger: KafkaTest.logger)
        defer { broker.stop() }
        let report = try await producer.send(KafkaOutgoingMessage(topic: "offline-test", key: "100000", value: Array("b".utf8)))
        #expect(report.topic == "offline-test")
        await producer.shutdown()
    }
}
