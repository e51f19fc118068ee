import Crypto
import Foundation
import Logging
import Messaging
import NIOCore
import PostgresNIO
import Storage

/// A consuming service's own part of a ``BatchConsumer``: what its messages do to its state.
///
/// Everything else (claiming partitions, skipping what was already applied, storing offsets, retrying,
/// dead letters, the Kafka commit, shutdown) is the consumer's. Methods are `mutating` so a handler can
/// keep state in memory (the detector's pupils); the consumer runs them one at a time, in one task.
public protocol BatchHandler: Sendable {
    /// Loads what the handler keeps in memory for these partitions, in the transaction that has just
    /// claimed them (so it sees everything their previous owner committed). The default loads nothing.
    mutating func load(_ partitions: [TopicPartition], on connection: PostgresConnection, logger: Logger) async throws

    /// Forgets partitions: revoked, claimed by another instance, or rolled back (they are loaded again
    /// before their next message). The default keeps nothing, so forgets nothing.
    mutating func forget(_ partitions: [TopicPartition])

    /// Applies new messages (in offset order within each partition) inside the batch's transaction.
    /// A message that can never be applied goes to ``ConsumedBatch/deadLetter(_:reason:)``; a thrown
    /// error rolls the whole batch back and it is tried again.
    mutating func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws

    /// The transaction of the last ``apply(_:in:on:)`` committed (for counters of what was applied). Default: nothing.
    mutating func committed()
}

extension BatchHandler {
    public mutating func load(_ partitions: [TopicPartition], on connection: PostgresConnection, logger: Logger) async throws {}
    public mutating func forget(_ partitions: [TopicPartition]) {}
    public mutating func committed() {}
}

/// What a batch produced besides the handler's own writes: events for the outbox and dead letters.
/// Both are written in the batch's transaction, so a batch tried again writes them once.
public struct ConsumedBatch: Sendable {
    /// The consumer's name: its stored offsets, its inbox and the `dlq.consumer-group` header.
    public let consumerName: String
    public let logger: Logger
    private(set) var outgoing: [OutboxMessage] = []
    private(set) var deadLettered = 0

    init(consumerName: String, logger: Logger) {
        self.consumerName = consumerName
        self.logger = logger
    }

    /// Queues an event for the outbox, in the batch's transaction.
    public mutating func publish(_ message: OutboxMessage) {
        outgoing.append(message)
    }

    /// Sends a message that cannot be processed to its topic's dead-letter topic (`<topic>.dlq`), with the
    /// reason and where it came from in headers. The reason goes on the topic, not in the log (it may quote
    /// the message); the log names the place.
    public mutating func deadLetter(_ message: KafkaMessage, reason: String) {
        let eventID = Self.deadLetterID(consumer: consumerName, message: message)
        // PostgreSQL's text and jsonb take no NUL character: a malformed message may carry one.
        let clean = { (text: String) in text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        var headers = message.headers.compactMap { header in
            String(validating: header.value, as: UTF8.self).map { OutboxHeader(name: clean(header.name), value: clean($0)) }
        }
        headers.removeAll { $0.name == OutboxRelay.eventIDHeader }
        headers += [
            OutboxHeader(name: DeadLetterQueue.reasonHeader, value: clean(reason)),
            OutboxHeader(name: DeadLetterQueue.topicHeader, value: message.topic),
            OutboxHeader(name: DeadLetterQueue.partitionHeader, value: String(message.partition)),
            OutboxHeader(name: DeadLetterQueue.offsetHeader, value: String(message.offset)),
            OutboxHeader(name: DeadLetterQueue.consumerHeader, value: consumerName),
            OutboxHeader(name: DeadLetterQueue.timeHeader, value: Date().formatted(.iso8601)),
        ]
        outgoing.append(OutboxMessage(
            eventID: eventID, topic: DeadLetterQueue.topic(for: message.topic),
            key: clean(message.key.map { String(decoding: $0, as: UTF8.self) } ?? ""), payload: ByteBuffer(bytes: message.value), headers: headers))
        deadLettered += 1
        logger.error("message dead-lettered", metadata: [
            "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)", "kafka.offset": "\(message.offset)",
            "event.id": "\(eventID)",
        ])
    }

    /// The same message dead-lettered by the same consumer always gets the same id: the outbox keeps one.
    static func deadLetterID(consumer: String, message: KafkaMessage) -> UUID {
        var bytes = Array(SHA256.hash(data: Data("dlq|\(consumer)|\(message.topic)|\(message.partition)|\(message.offset)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom, name-derived
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
