import Foundation
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime
import Storage
import Synchronization
import TestSupport
import Testing

/// The shared batch consumer on the real broker and PostgreSQL, with a handler that records what it applies.
@Suite("The batch consumer against the real PostgreSQL and broker", .timeLimit(.minutes(2)))
struct BatchConsumerTests {
    let logger = TestEnvironment.logger

    /// Applies `ok:NAME` messages into the table `applied`; anything else is dead-lettered. Its first
    /// `failures` batches fail after writing (as if PostgreSQL went away mid-transaction).
    struct RecordingHandler: BatchHandler {
        var failures: Int

        mutating func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
            for message in messages {
                let text = String(decoding: message.value, as: UTF8.self)
                if text.hasPrefix("ok:") {
                    try await connection.query("INSERT INTO applied (name) VALUES (\(String(text.dropFirst(3))))", logger: batch.logger)
                } else {
                    batch.deadLetter(message, reason: "not ok: \(text)")
                }
            }
            if failures > 0 {
                failures -= 1
                throw TransientFailure()
            }
        }
    }

    struct TransientFailure: Error {}

    @Test func redeliveredEventsAreAppliedOnceAndARefusedMessageIsDeadLetteredOnceThroughARetriedBatch() async throws {
        let topic = "batch-\(UUID().uuidString.prefix(8).lowercased())"
        let client = KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "batch-tests")
        _ = try await KafkaAdmin.createTopics([(topic, 1)], configuration: client, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        let (a, b, c) = (UUID(), UUID(), UUID())
        func event(_ id: UUID, _ name: String) -> KafkaOutgoingMessage {
            KafkaOutgoingMessage(topic: topic, key: "100001", value: Array("ok:\(name)".utf8),
                                 headers: [KafkaHeader(name: OutboxRelay.eventIDHeader, string: id.uuidString.lowercased())])
        }
        // A twice side by side (a relay that resent), a message that cannot be applied, then B, C, and A once more.
        let sent = [event(a, "a"), event(a, "a"), KafkaOutgoingMessage(topic: topic, key: "100001", value: Array("garbage".utf8)),
                    event(b, "b"), event(c, "c"), event(a, "a")]
        for result in try await producer.send(sent) { _ = try result.get() }
        await producer.shutdown()

        let schema = TestEnvironment.uniqueSchema("batch")
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            let configuration = try await Self.prepare(schema: schema, postgres: postgres, client: client, topic: topic)
            let consumer = try BatchConsumer(
                configuration: configuration, settings: .init(name: "recorder"), postgres: postgres,
                handler: RecordingHandler(failures: 2), logger: logger)
            let running = Task { try await consumer.run() }
            defer { running.cancel() }
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            var stored: [Int32: Int64] = [:]
            while ContinuousClock.now < deadline, stored[0] != 6 {
                try await Task.sleep(for: .milliseconds(200))
                stored = try await postgres.withConnection { try await ConsumerOffsets.load(group: "recorder", topic: topic, on: $0, logger: logger) }
            }
            #expect(stored[0] == 6, "every message processed")

            let rows = try await postgres.query("SELECT name FROM applied ORDER BY name", logger: logger)
            var applied: [String] = []
            for try await name in rows.decode(String.self) { applied.append(name) }
            #expect(applied == ["a", "b", "c"], "each event once, though A came three times and two batches failed")

            let letters = try await postgres.query(
                "SELECT topic, headers::text FROM outbox WHERE topic = \(DeadLetterQueue.topic(for: topic))", logger: logger)
            var deadLetters: [(String, String)] = []
            for try await row in letters.decode((String, String).self) { deadLetters.append(row) }
            #expect(deadLetters.count == 1, "dead-lettered once, through the retries")
            #expect(deadLetters.first?.1.contains("not ok: garbage") == true)
            #expect(deadLetters.first?.1.contains(#""dlq.original-offset""#) == true)
        }
    }

    /// A call that never answers, even when cancelled, until released: what postgres-nio did with a query
    /// sent on a connection PostgreSQL closed under it.
    final class Stuck: Sendable {
        private let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let attempts = Mutex(0)

        func hang() async { await withCheckedContinuation { continuation in waiting.withLock { $0 = continuation } } }
        func release() { waiting.withLock { $0.take() }?.resume() }
    }

    /// Writes each message's name; its first attempt then hangs, its later ones return.
    struct HangingOnceHandler: BatchHandler {
        let stuck: Stuck

        mutating func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
            for message in messages {
                try await connection.query("INSERT INTO applied (name) VALUES (\(String(decoding: message.value, as: UTF8.self)))", logger: batch.logger)
            }
            let first = stuck.attempts.withLock { attempts in
                attempts += 1
                return attempts == 1
            }
            if first { await stuck.hang() }
        }
    }

    @Test func aTransactionThatNeverAnswersIsAbandonedAndTheBatchAppliedOnceByAFreshHandler() async throws {
        let topic = "batch-\(UUID().uuidString.prefix(8).lowercased())"
        let client = KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "batch-tests")
        _ = try await KafkaAdmin.createTopics([(topic, 1)], configuration: client, logger: logger)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        for result in try await producer.send(["a", "b"].map { KafkaOutgoingMessage(topic: topic, key: "100001", value: Array($0.utf8)) }) { _ = try result.get() }
        await producer.shutdown()

        let schema = TestEnvironment.uniqueSchema("batch")
        let logger = self.logger
        try await TestEnvironment.withPostgres(schema: schema) { postgres in
            let configuration = try await Self.prepare(schema: schema, postgres: postgres, client: client, topic: topic)
            var settings = BatchConsumer<HangingOnceHandler>.Settings(name: "stuck")
            settings.transactionTimeout = .seconds(2)
            let stuck = Stuck()
            let consumer = try BatchConsumer(configuration: configuration, settings: settings, postgres: postgres,
                                             handler: HangingOnceHandler(stuck: stuck), logger: logger)
            let running = Task { try await consumer.run() }
            defer {
                running.cancel()
                stuck.release()
            }
            // The first transaction hangs after its writes. The consumer abandons it after 2 s, and PostgreSQL ends
            // its session, idle in the transaction, after the same (its locks would otherwise hold the retry up).
            var stored: [Int32: Int64] = [:]
            for _ in 0..<150 where stored[0] != 2 {
                try await Task.sleep(for: .milliseconds(200))
                stored = try await postgres.withConnection { try await ConsumerOffsets.load(group: "stuck", topic: topic, on: $0, logger: logger) }
            }
            #expect(stored[0] == 2, "the batch stored by the retry, past the abandoned transaction")
            #expect(stuck.attempts.withLock { $0 } >= 2)
            // The abandoned call answers at last: its connection is gone, so it commits nothing.
            stuck.release()
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.names(postgres) == ["a", "b"])
        }
    }

    /// The consumer's tables and an `applied` table in the schema; a consumer of the topic in a group of its own.
    static func prepare(schema: String, postgres: PostgresClient, client: KafkaConfiguration, topic: String) async throws -> KafkaConsumerConfiguration {
        try await SchemaMigrator(schema: schema, migrations: [
            StandardTables.migration, StandardTables.fencedOffsetsAndParking(version: 2),
            Migration(version: 3, name: "applied", statements: ["CREATE TABLE applied (name text NOT NULL)"]),
        ]).apply(using: postgres, logger: TestEnvironment.logger)
        var configuration = KafkaConsumerConfiguration(client: client, groupID: "batch-\(UUID())", topics: [topic])
        configuration.statisticsInterval = nil
        return configuration
    }

    static func names(_ postgres: PostgresClient) async throws -> [String] {
        let rows = try await postgres.query("SELECT name FROM applied ORDER BY name", logger: TestEnvironment.logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }
}
