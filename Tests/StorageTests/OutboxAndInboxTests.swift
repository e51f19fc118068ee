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
            try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration, StandardTables.fencedOffsetsAndParking(version: 2)]).apply(using: client, logger: logger)
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

    @Test func aParkedRowHoldsBackItsKeyOnlyAndHeadersRoundTrip() async throws {
        try await migrated { client in
            let (poison, sameKey, otherKey) = (UUID(), UUID(), UUID())
            var withHeaders = message(otherKey, key: "100002")
            withHeaders.headers = [OutboxHeader(name: "dlq.reason", value: "line 7.code: \"Z\" is not a code")]
            try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([message(poison, key: "100001"), message(sameKey, key: "100001"), withHeaders], on: connection, logger: logger)
            }
            // Three refusals for the row's own sake park it at three attempts; a broker outage counts none.
            for attempt in 1...3 {
                let parked = try await client.withTransaction(logger: logger) { connection in
                    let first = try #require(try await Outbox.claim(limit: 1, on: connection, logger: logger).first)
                    try await Outbox.markFailed([first.sequence], reason: "broker down", counting: false, on: connection, logger: logger)
                    try await Outbox.markFailed([first.sequence], reason: "message too large", on: connection, logger: logger)
                    return try await Outbox.park(reaching: 3, among: [first.sequence], on: connection, logger: logger)
                }
                #expect(parked.map(\.eventID) == (attempt == 3 ? [poison] : []))
            }
            try await client.withTransaction(logger: logger) { connection in
                let claimed = try await Outbox.claim(limit: 10, on: connection, logger: logger)
                // The row of another key flows; the later row of the parked row's key waits behind it.
                #expect(claimed.map(\.message.eventID) == [otherKey])
                #expect(claimed.first?.message.headers == withHeaders.headers)
                let backlog = try await Outbox.backlog(on: connection, logger: logger)
                #expect((backlog.pending, backlog.parked) == (2, 1))
                try await Outbox.markPublished(claimed.map(\.sequence), on: connection, logger: logger)
            }
            // Released by an operator, it goes first again, then the row behind it.
            let order = try await client.withTransaction(logger: logger) { connection in
                #expect(try await Outbox.release([poison], on: connection, logger: logger) == 1)
                return try await Outbox.claim(limit: 10, on: connection, logger: logger).map(\.message.eventID)
            }
            #expect(order == [poison, sameKey])
        }
    }

    @Test func rowsPastTheRetentionAreDeleted() async throws {
        try await migrated { client in
            let (old, fresh) = (UUID(), UUID())
            let deleted = try await client.withTransaction(logger: logger) { connection in
                try await Outbox.enqueue([message(old, key: "1"), message(fresh, key: "2")], on: connection, logger: logger)
                let rows = try await Outbox.claim(limit: 10, on: connection, logger: logger)
                try await Outbox.markPublished(rows.map(\.sequence), on: connection, logger: logger)
                try await connection.query("UPDATE outbox SET published_at = now() - interval '8 days' WHERE event_id = \(old)", logger: logger)
                _ = try await ProcessedEvents.markProcessed([old, fresh], consumer: "c", on: connection, logger: logger)
                try await connection.query("UPDATE processed_events SET processed_at = now() - interval '8 days' WHERE event_id = \(old)", logger: logger)
                let cutoff = Date().addingTimeInterval(-7 * 24 * 3600)
                return (try await Outbox.deletePublished(before: cutoff, on: connection, logger: logger),
                        try await ProcessedEvents.delete(processedBefore: cutoff, on: connection, logger: logger))
            }
            #expect(deleted == (1, 1))
            // The fresh event is still known to the inbox; the old one is not.
            let new = try await client.withConnection { connection in
                try await ProcessedEvents.markProcessed([old, fresh], consumer: "c", on: connection, logger: logger)
            }
            #expect(new == [old])
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

    @Test func offsetsAreStoredUnderTheirClaimAndRefusedOnceAnotherOwnerClaims() async throws {
        try await migrated { client in
            let topic = "attendance.marks"
            try await client.withConnection { connection in
                let first = try await ConsumerOffsets.claim([(topic, 0), (topic, 3)], group: "g", on: connection, logger: logger)
                #expect(first[topic]?[0] == ConsumerOffsets.Claim(generation: 1, nextOffset: nil))
                let old = try #require(first[topic]?[0]?.generation)
                try await ConsumerOffsets.store([(.init(topic: topic, partition: 0, nextOffset: 10), old),
                                                 (.init(topic: topic, partition: 3, nextOffset: 7), old)], group: "g", on: connection, logger: logger)
                // A new owner claims partition 0: it resumes where the old one stopped, under a new generation.
                let second = try await ConsumerOffsets.claim([(topic, 0)], group: "g", on: connection, logger: logger)
                #expect(second[topic]?[0] == ConsumerOffsets.Claim(generation: 2, nextOffset: 10))
                // The old owner's next write is refused whole, partition 3 included.
                try await connection.query("BEGIN", logger: logger)
                await #expect(throws: ConsumerOffsets.Fenced.self) {
                    try await ConsumerOffsets.store([(.init(topic: topic, partition: 0, nextOffset: 99), old),
                                                     (.init(topic: topic, partition: 3, nextOffset: 50), old)], group: "g", on: connection, logger: logger)
                }
                try await connection.query("ROLLBACK", logger: logger)
                try await ConsumerOffsets.store([(.init(topic: topic, partition: 0, nextOffset: 25), 2)], group: "g", on: connection, logger: logger)
                // A batch redelivered from below the stored offset does not move it back.
                try await ConsumerOffsets.store([(.init(topic: topic, partition: 0, nextOffset: 12), 2)], group: "g", on: connection, logger: logger)
                #expect(try await ConsumerOffsets.load(group: "g", topic: topic, on: connection, logger: logger) == [0: 25, 3: 7])
                #expect(try await ConsumerOffsets.load(group: "h", topic: topic, on: connection, logger: logger) == [:])
            }
        }
    }
}
