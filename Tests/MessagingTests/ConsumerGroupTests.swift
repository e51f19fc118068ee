import Foundation
@_spi(Testing) import Messaging
import TestSupport
import Testing

@Suite("Consumer groups, commits and crashes on the real broker", .timeLimit(.minutes(3)))
struct ConsumerGroupTests {
    func produce(_ topic: String, _ range: Range<Int>, producer: KafkaProducer) async throws {
        let results = try await producer.send(range.map { KafkaOutgoingMessage(topic: topic, key: "k\($0 % 16)", value: Array("m\($0)".utf8)) })
        for result in results { _ = try result.get() }
    }

    /// Polls and commits one batch, recording what it handed over and the assignment after it.
    final class Member: @unchecked Sendable {
        let consumer: KafkaConsumer
        var received: [String] = []
        init(_ consumer: KafkaConsumer) { self.consumer = consumer }

        func step() async throws {
            let batch = try await consumer.nextBatch()
            received += batch.messages.map(\.text)
            try await consumer.commit(batch)
        }
    }

    @Test func twoConsumersSplitThePartitionsAndTheSurvivorResumesFromTheCommittedOffsets() async throws {
        let topic = try await KafkaTest.createTopic("split", partitions: 4)
        let group = KafkaTest.uniqueName("group")
        let producer = try KafkaTest.producer()
        try await produce(topic, 0..<400, producer: producer)

        let a = Member(try KafkaTest.consumer(group: group, topics: [topic], maxBatch: 50))
        let b = Member(try KafkaTest.consumer(group: group, topics: [topic], maxBatch: 50))
        // Both step until the group has settled with each owning some partitions.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            async let stepA: Void = a.step()
            async let stepB: Void = b.step()
            _ = try await (stepA, stepB)
            if !a.consumer.assignment.isEmpty && !b.consumer.assignment.isEmpty { break }
        }
        let splitA = Set(a.consumer.assignment), splitB = Set(b.consumer.assignment)
        #expect(!splitA.isEmpty && !splitB.isEmpty)
        #expect(splitA.isDisjoint(with: splitB))
        #expect(splitA.union(splitB).count == 4)

        try await produce(topic, 400..<800, producer: producer)
        for _ in 0..<3 {
            async let stepA: Void = a.step()
            async let stepB: Void = b.step()
            _ = try await (stepA, stepB)
        }
        // B has committed everything it handed over; it leaves the group cleanly.
        await b.consumer.close()
        try await produce(topic, 800..<1200, producer: producer)

        let all = Set((0..<1200).map { "m\($0)" })
        while Set(a.received).union(b.received) != all, ContinuousClock.now < deadline.advanced(by: .seconds(60)) {
            try await a.step()
        }
        await a.consumer.close()
        await producer.shutdown()

        #expect(Set(a.received).union(b.received) == all, "nothing lost")
        #expect(Set(a.received).isDisjoint(with: b.received), "nothing B committed was delivered again")
        #expect(a.received.count == Set(a.received).count && b.received.count == Set(b.received).count)
        #expect(!b.received.isEmpty)
    }

    @Test func aConsumerKilledBeforeCommittingGetsItsMessagesAgainOneThatCommittedDoesNot() async throws {
        let topic = try await KafkaTest.createTopic("crash", partitions: 1)
        let group = KafkaTest.uniqueName("group")
        let producer = try KafkaTest.producer()
        try await produce(topic, 0..<10, producer: producer)

        // The first instance reads all ten, commits only the first five, then dies without leaving.
        let first = try KafkaTest.consumer(group: group, topics: [topic])
        let firstSaw = try await KafkaTest.consume(first, commit: false) { $0.count >= 10 }
        #expect(firstSaw.map(\.text) == (0..<10).map { "m\($0)" })
        try await first.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: firstSaw[4].offset + 1)])
        await first.abandon()

        // Its replacement gets the five it had not committed, and only those.
        let second = try KafkaTest.consumer(group: group, topics: [topic])
        let secondSaw = try await KafkaTest.consume(second, timeout: .seconds(90)) { $0.count >= 5 }
        #expect(secondSaw.map(\.text) == (5..<10).map { "m\($0)" })
        await second.close()

        // After a commit, a restart delivers nothing old: only what is new.
        try await produce(topic, 10..<11, producer: producer)
        let third = try KafkaTest.consumer(group: group, topics: [topic])
        let thirdSaw = try await KafkaTest.consume(third) { $0.count >= 1 }
        #expect(thirdSaw.map(\.text) == ["m10"])
        await third.close()
        await producer.shutdown()
    }

    @Test func pausedPartitionsDeliverNothingUntilResumed() async throws {
        let topic = try await KafkaTest.createTopic("pause", partitions: 1)
        let producer = try KafkaTest.producer()
        let consumer = try KafkaTest.consumer(group: KafkaTest.uniqueName("group"), topics: [topic])
        try await produce(topic, 0..<1, producer: producer)
        _ = try await KafkaTest.consume(consumer) { $0.count >= 1 }
        try await consumer.pause()
        try await produce(topic, 1..<2, producer: producer)
        let whilePaused = try await KafkaTest.consume(consumer, timeout: .seconds(2)) { _ in false }
        #expect(whilePaused.isEmpty)
        try await consumer.resume()
        let afterResume = try await KafkaTest.consume(consumer) { $0.count >= 1 }
        #expect(afterResume.map(\.text) == ["m1"])
        await consumer.close()
        await producer.shutdown()
    }
}
