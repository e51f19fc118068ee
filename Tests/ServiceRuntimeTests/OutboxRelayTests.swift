import Foundation
import Logging
import Messaging
import NIOCore
import PostgresNIO
import ServiceRuntime
import Storage
import TestSupport
import Testing

@Suite("The outbox relay against the real PostgreSQL and broker", .timeLimit(.minutes(2)))
struct OutboxRelayTests {
    let logger = TestEnvironment.logger

    func producer(bootstrap: String = TestEnvironment.kafkaBootstrapServers, deliveryTimeout: Duration = .seconds(30)) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(client: KafkaConfiguration(bootstrapServers: bootstrap, clientID: "relay-tests"))
        configuration.deliveryTimeout = deliveryTimeout
        return try KafkaProducer(configuration: configuration, logger: logger)
    }

    func enqueue(_ count: Int, topic: String, client: PostgresClient) async throws -> [UUID] {
        let ids = (0..<count).map { _ in UUID() }
        try await client.withTransaction(logger: logger) { connection in
            try await Outbox.enqueue(ids.enumerated().map { index, id in
                OutboxMessage(eventID: id, topic: topic, key: "10000\(index % 3)", payload: ByteBuffer(string: "event \(index)"))
            }, on: connection, logger: logger)
        }
        return ids
    }

    func pending(_ client: PostgresClient) async throws -> Int {
        try await client.withConnection { try await Outbox.pendingCount(on: $0, logger: logger) }
    }

    @Test func queuedEventsArePublishedOnceInOrderAndMarked() async throws {
        let schema = TestEnvironment.uniqueSchema("relay")
        let topic = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let bootstrap = KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "relay-tests")
        _ = try await KafkaAdmin.createTopics([(topic, 2)], configuration: bootstrap, logger: logger)
        try await TestEnvironment.withPostgres(schema: schema) { client in
            try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration, StandardTables.fencedOffsetsAndParking(version: 2)]).apply(using: client, logger: logger)
            let ids = try await enqueue(30, topic: topic, client: client)
            let producer = try producer()
            var settings = OutboxRelay.Settings()
            settings.batchSize = 8
            let relay = OutboxRelay(client: client, producer: producer, logger: logger, settings: settings)
            var total = 0
            while total < 30 { total += try await #require(try await relay.relayOnce()).published }
            #expect(try await #require(try await relay.relayOnce()).published == 0)
            #expect(try await pending(client) == 0)
            await producer.shutdown()

            var configuration = KafkaConsumerConfiguration(client: bootstrap, groupID: "relay-\(UUID())", topics: [topic])
            configuration.statisticsInterval = nil
            let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
            var received: [KafkaMessage] = []
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while received.count < 30, ContinuousClock.now < deadline { received += try await consumer.nextBatch().messages }
            // A little longer: nothing more may arrive.
            received += try await consumer.nextBatch().messages
            await consumer.close()
            #expect(received.count == 30)
            let eventIDs = received.compactMap { $0.header(OutboxRelay.eventIDHeader)?.stringValue }
            #expect(Set(eventIDs) == Set(ids.map { $0.uuidString.lowercased() }))
            // Per key, the order of the outbox.
            for key in ["100000", "100001", "100002"] {
                let numbers = received.filter { $0.keyString == key }.map { Int(String(decoding: $0.value, as: UTF8.self).dropFirst(6))! }
                #expect(numbers == numbers.sorted())
            }
        }
    }

    @Test func eventsQueuedWhileTheBrokerIsDownArePublishedOnceItIsBack() async throws {
        let schema = TestEnvironment.uniqueSchema("relay")
        // Held until the broker starts on it: a free port could be given to another test's broker meanwhile.
        let reserved = TestEnvironment.ReservedPort(), port = reserved.port
        defer { reserved.release() }
        try await TestEnvironment.withPostgres(schema: schema) { client in
            try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration, StandardTables.fencedOffsetsAndParking(version: 2)]).apply(using: client, logger: logger)
            _ = try await enqueue(5, topic: "relay-offline", client: client)
            let producer = try producer(bootstrap: "127.0.0.1:\(port)", deliveryTimeout: .seconds(2))
            let relay = OutboxRelay(client: client, producer: producer, logger: logger)
            let away = try #require(try await relay.relayOnce())
            #expect(away.published == 0 && away.failed == 5)
            #expect(try await pending(client) == 5, "nothing accepted is lost")
            // The broker's absence is not the rows' fault: no attempt counts toward parking.
            let attempts = try await client.query("SELECT max(attempts), count(parked_at) FROM outbox", logger: logger)
            for try await (most, parked) in attempts.decode((Int, Int).self) { #expect(most == 0 && parked == 0) }

            reserved.release()
            let broker = try await TestBroker(port: port, topics: ["relay-offline"], logger: logger)
            defer { broker.stop() }
            var published = 0
            for _ in 0..<10 where published < 5 { published += try await #require(try await relay.relayOnce()).published }
            #expect(published == 5)
            #expect(try await pending(client) == 0)
            await producer.shutdown()
        }
    }

    /// A migrated schema of its own and a one-partition topic of its own.
    func withSchemaAndTopic(_ body: @Sendable (PostgresClient, String) async throws -> Void) async throws {
        let schema = TestEnvironment.uniqueSchema("relay")
        let topic = "relay-\(UUID().uuidString.prefix(8).lowercased())"
        let bootstrap = KafkaConfiguration(bootstrapServers: TestEnvironment.kafkaBootstrapServers, clientID: "relay-tests")
        _ = try await KafkaAdmin.createTopics([(topic, 1)], configuration: bootstrap, logger: logger)
        try await TestEnvironment.withPostgres(schema: schema) { client in
            try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration, StandardTables.fencedOffsetsAndParking(version: 2)])
                .apply(using: client, logger: logger)
            try await body(client, topic)
        }
    }

    @Test func onlyTheLeaderPublishesAndAnotherLeadsOnceTheLockIsFree() async throws {
        try await withSchemaAndTopic { client, topic in
            _ = try await enqueue(3, topic: topic, client: client)
            let producer = try producer()
            let standby = OutboxRelay(client: client, producer: producer, logger: logger)
            // Another instance's relay leads: it holds the schema's lock on its connection.
            try await client.withConnection { leader in
                try await leader.query("SELECT pg_advisory_lock(7020431, hashtext(current_schema()))", logger: logger)
                #expect(try await standby.relayOnce() == nil, "it does not lead")
                #expect(try await pending(client) == 3, "a standby publishes nothing")
                try await leader.query("SELECT pg_advisory_unlock(7020431, hashtext(current_schema()))", logger: logger)
            }
            #expect(try await standby.relayOnce()?.published == 3, "the lock released, the standby leads")
            await producer.shutdown()
        }
    }

    @Test func aRowTheBrokerKeepsRefusingIsParkedAndTheRestFlows() async throws {
        try await withSchemaAndTopic { client, topic in
            // Over the broker's 1 MB message limit: refused for its own sake, every time.
            let poison = UUID()
            try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([OutboxMessage(eventID: poison, topic: topic, key: "poison", payload: ByteBuffer(repeating: 0x41, count: 1_200_000))],
                                         on: connection, logger: logger)
            }
            _ = try await enqueue(6, topic: topic, client: client)
            let producer = try producer()
            var settings = OutboxRelay.Settings()
            settings.maxAttempts = 3
            let relay = OutboxRelay(client: client, producer: producer, logger: logger, settings: settings)
            var published = 0
            for _ in 0..<6 { published += try await #require(try await relay.relayOnce()).published }
            #expect(published == 6, "the other keys' rows flow")
            let rows = try await client.query("SELECT event_id, attempts, parked_at IS NOT NULL FROM outbox WHERE published_at IS NULL", logger: logger)
            var unpublished: [(UUID, Int, Bool)] = []
            for try await row in rows.decode((UUID, Int, Bool).self) { unpublished.append(row) }
            #expect(unpublished.count == 1)
            #expect(unpublished.first?.0 == poison && unpublished.first?.1 == 3 && unpublished.first?.2 == true)
            let after = try #require(try await relay.relayOnce())
            #expect(after == (0, 0), "a parked row is not tried again")
            await producer.shutdown()
        }
    }
}
