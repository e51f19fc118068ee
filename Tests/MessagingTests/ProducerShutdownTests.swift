import Foundation
@_spi(Testing) import Messaging
import TestSupport
import Testing

/// Shutting a producer down while sends are in flight, and giving up on a send, leave nothing behind.
/// Run under the thread sanitizer too (`deploy/local/test-tsan`): the delivery callback must only ever run
/// on one thread at a time.
@Suite("Producer shutdown and cancelled sends", .timeLimit(.minutes(3)))
struct ProducerShutdownTests {
    @Test func shutdownWhile100000SendsAreInFlightAnswersEverySendOnce() async throws {
        let topic = try await KafkaTest.createTopic("shutdown", partitions: 4)
        let producer = try KafkaTest.producer()
        let (acknowledged, failed) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            // 100 senders of 1,000 messages each, all in flight when the shutdown starts.
            for sender in 0..<100 {
                group.addTask {
                    let messages = (0..<1_000).map { KafkaOutgoingMessage(topic: topic, key: "\(sender)", value: Array("m\($0)".utf8)) }
                    // A send that starts after the shutdown is refused whole: its messages count as failed.
                    guard let results = try? await producer.send(messages) else { return (0, messages.count) }
                    let acknowledged = results.filter { if case .success = $0 { true } else { false } }.count
                    return (acknowledged, results.count - acknowledged)
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            await producer.shutdown()
            var total = (0, 0)
            for try await (acknowledged, failed) in group { total = (total.0 + acknowledged, total.1 + failed) }
            return total
        }
        #expect(acknowledged + failed == 100_000, "every send answered once")
        #expect(producer.sendsAwaitingReports == 0)
    }

    @Test func aCancelledSendLeavesNoWaiterBehind() async throws {
        // A broker that is not there: the send waits until cancelled.
        let producer = try KafkaTest.producer(deliveryTimeout: .seconds(60), bootstrap: "127.0.0.1:\(TestEnvironment.freePort())")
        let send = Task { try await producer.send([KafkaOutgoingMessage(topic: "nowhere", key: "1", value: Array("x".utf8))]) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(producer.sendsAwaitingReports == 1)
        send.cancel()
        let results = try await send.value
        #expect(results.count == 1)
        if case .success = results[0] { Issue.record("a cancelled send cannot have succeeded") }
        #expect(producer.sendsAwaitingReports == 0, "the cancelled batch's waiter is gone")
        await producer.shutdown()
    }

    @Test func aClosedConsumerRefusesCallsInsteadOfUsingItsHandle() async throws {
        let topic = try await KafkaTest.createTopic("closed", partitions: 1)
        let consumer = try KafkaTest.consumer(group: KafkaTest.uniqueName("closed"), topics: [topic])
        await consumer.abandon()
        await #expect(throws: KafkaError.self) { try await consumer.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: 1)]) }
        await #expect(throws: KafkaError.self) { try await consumer.endOffsets(topic: topic, partitions: [0]) }
        await #expect(throws: KafkaError.self) { try await consumer.pause() }
        await #expect(throws: KafkaError.self) { try await consumer.nextBatch() }
    }
}
