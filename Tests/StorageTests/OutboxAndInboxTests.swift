import Foundation
import NIOCore
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite("Outbox, processed events and consumer offsets against the real PostgreSQL", .timeLimit(.minutes(2)))
struct OutboxAndInboxTests {
    let logger = TestEnvironment.logger

    func migrated<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let schema = TestEnvironment.uniqueSchema("box")
        return try await TestEnvironment.withPostgres(schema: schema) { client in
            try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration]).apply(using: client, logger: logger)
            return try await body(client)
        }
    }

    func message(_ id: UUID, key: String) -> OutboxMessage {
        OutboxMessage(eventID: id, topic: "attendance.marks", key: key, payload: ByteBuffer(string: "{\"k\":\"\(key)\"}"))
    }

    @Test func queuedMessagesAreClaimedInOrderOnceEachAndMarkedPublished() async throws {
        try await migrated { client in
            let ids = (0..<3).map { _ in UUID() }
            try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([message(ids[0], key: "100001"), message(ids[1], key: "100002")], on: connection, logger: logger)
            }
            // The same event again (a retried transaction) is not queued twice.
            try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([message(ids[1], key: "100002"), message(ids[2], key: "100003")], on: connection, logger: logger)
            }
            try await client.withTransaction(logger: logger) { connection in
                #expect(try await Outbox.pendingCount(on: connection, logger: logger) == 3)
                let claimed = try await Outbox.claim(limit: 10, on: connection, logger: logger)
                #expect(claimed.map(\.message.eventID) == ids)
                #expect(claimed.map(\.message.key) == ["100001", "100002", "100003"])
                #expect(claimed[0].message.payload == ByteBuffer(string: "{\"k\":\"100001\"}"))
                try await Outbox.markPublished(claimed.prefix(2).map(\.sequence), on: connection, logger: logger)
                try await Outbox.markFailed([claimed[2].sequence], reason: "broker down", on: connection, logger: logger)
            }
            try await client.withTransaction(logger: logger) { connection in
                let again = try await Outbox.claim(limit: 10, on: connection, logger: logger)
                #expect(again.map(\.message.eventID) == [ids[2]])
                #expect(again.first?.attempts == 1)
            }
        }
    }

    @Test func aRowClaimedByOneRelayIsSkippedByAnother() async throws {
        try await migrated { client in
            try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([message(UUID(), key: "100001"), message(UUID(), key: "100002")], on: connection, logger: logger)
            }
            try await client.withTransaction(logger: logger) { first in
                let mine = try await Outbox.claim(limit: 1, on: first, logger: logger)
                #expect(mine.count == 1)
                try await client.withTransaction(logger: logger) { second in
                    let theirs = try await Outbox.claim(limit: 10, on: second, logger: logger)
                    #expect(theirs.map(\.sequence) != mine.map(\.sequence))
                    #expect(theirs.count == 1)
                }
            }
        }
    }

    @Test func processedEventsReturnOnlyWhatIsNew() async throws {
        try await migrated { client in
            let (a, b, c) = (UUID(), UUID(), UUID())
            let (first, second, other) = try await client.withConnection { connection in
                let first = try await ProcessedEvents.markProcessed([a, b], consumer: "detector", on: connection, logger: logger)
                let second = try await ProcessedEvents.markProcessed([b, c], consumer: "detector", on: connection, logger: logger)
                // Another consumer keeps its own record.
                let other = try await ProcessedEvents.markProcessed([a], consumer: "other", on: connection, logger: logger)
                return (first, second, other)
            }
            #expect(first == [a, b])
            #expect(second == [c])
            #expect(other == [a])
        }
    }

    @Test func consumerOffsetsAreUpserted() async throws {
        try await migrated { client in
            let (stored, otherGroup) = try await client.withConnection { connection in
                try await ConsumerOffsets.store([.init(topic: "attendance.marks", partition: 0, nextOffset: 10),
                                                 .init(topic: "attendance.marks", partition: 3, nextOffset: 7)],
                                                group: "g", on: connection, logger: logger)
                try await ConsumerOffsets.store([.init(topic: "attendance.marks", partition: 0, nextOffset: 25)], group: "g", on: connection, logger: logger)
                return (try await ConsumerOffsets.load(group: "g", topic: "attendance.marks", on: connection, logger: logger),
                        try await ConsumerOffsets.load(group: "h", topic: "attendance.marks", on: connection, logger: logger))
            }
            #expect(stored == [0: 25, 3: 7])
            #expect(otherGroup == [:])
        }
    }
}
