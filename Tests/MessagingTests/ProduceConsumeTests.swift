import Foundation
@_spi(Testing) import Messaging
import TestSupport
import Testing

@Suite("Producing and consuming on the real broker", .timeLimit(.minutes(3)))
struct ProduceConsumeTests {
    @Test func tenThousandKeyedMessagesAreConsumedOnceEachInOrderPerKey() async throws {
        let topic = try await KafkaTest.createTopic("keyed", partitions: 8)
        let producer = try KafkaTest.producer()
        let messages = (0..<10_000).map { index in
            let key = "school-\(index % 100)"
            return KafkaOutgoingMessage(topic: topic, key: key, value: Array("\(key):\(index / 100)".utf8),
                                        headers: [KafkaHeader(name: "sequence", string: String(index / 100))])
        }
        let results = try await producer.send(messages)
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        // Acknowledged means stored: every report names a partition and an offset.
        let reports = results.compactMap { try? $0.get() }
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == 10_000)
        await producer.shutdown()

        let consumer = try KafkaTest.consumer(group: KafkaTest.uniqueName("g"), topics: [topic], maxBatch: 2_000)
        let received = try await KafkaTest.consume(consumer) { $0.count >= 10_000 }
        await consumer.close()

        #expect(received.count == 10_000)
        var next: [String: Int] = [:]
        var seen = Set<String>()
        for message in received {
            #expect(seen.insert(message.text).inserted, "delivered twice: \(message.text)")
            let key = try #require(message.keyString)
            let sequence = Int(message.text.split(separator: ":")[1])!
            #expect(sequence == next[key, default: 0], "out of order for \(key)")
            #expect(message.header("sequence")?.stringValue == String(sequence))
            next[key] = sequence + 1
        }
        #expect(next.count == 100 && next.values.allSatisfy { $0 == 100 })
    }

    @Test func anAwaitedSendReportsWhereTheMessageWasStored() async throws {
        let topic = try await KafkaTest.createTopic("report", partitions: 1)
        let producer = try KafkaTest.producer()
        let first = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "100000", value: Array("a".utf8)))
        let second = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "100000", value: Array("b".utf8)))
        #expect(first.topic == topic && first.partition == 0)
        #expect(second.offset == first.offset + 1)
        await producer.shutdown()
        await #expect(throws: KafkaError.self) { try await producer.send(KafkaOutgoingMessage(topic: topic, key: "x", value: [])) }
    }

    @Test func creatingATopicThatExistsIsFine() async throws {
        let name = KafkaTest.uniqueName("twice")
        let first = try await KafkaAdmin.createTopics([(name, 3)], configuration: KafkaTest.client, logger: KafkaTest.logger)
        let second = try await KafkaAdmin.createTopics([(name, 3)], configuration: KafkaTest.client, logger: KafkaTest.logger)
        #expect(first[name] == .created)
        #expect(second[name] == .alreadyExisted)
    }
}
