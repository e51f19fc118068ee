import Foundation
import Logging
import Messaging
import Metrics
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Storage

/// Publishes what a service's transactions put in its outbox, oldest first, and marks it published.
///
/// Each round claims up to `batchSize` rows (`FOR UPDATE SKIP LOCKED`, so several instances can run),
/// sends them in one batch, waits for the broker's acknowledgements, and marks the acknowledged rows
/// published in the same transaction. A failed round leaves its rows for the next one, after a pause.
/// A crash between the acknowledgement and the commit sends those rows again: consumers deduplicate on
/// the event id, which travels in the `event-id` header and in the envelope.
///
/// Shutdown: stops between rounds; a round in progress finishes first.
public final class OutboxRelay: Service, Sendable {
    public static let eventIDHeader = "event-id"

    private let client: PostgresClient
    private let producer: KafkaProducer
    private let logger: Logger
    private let batchSize: Int
    private let idleInterval: Duration
    private let failureBackoff: Duration
    private let wakeups = WakeSignal()
    private let published = Counter(label: "outbox_published_total")
    private let failed = Counter(label: "outbox_publish_failures_total")

    public init(client: PostgresClient, producer: KafkaProducer, logger: Logger, batchSize: Int = 500,
                idleInterval: Duration = .milliseconds(100), failureBackoff: Duration = .seconds(1)) {
        self.client = client
        self.producer = producer
        self.logger = logger
        self.batchSize = batchSize
        self.idleInterval = idleInterval
        self.failureBackoff = failureBackoff
    }

    /// Tells an idle relay that a transaction has just committed outbox rows, so it does not wait for the
    /// end of its idle interval (the interval remains for rows written by other processes).
    public func wake() {
        wakeups.signal()
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pause: Duration?
            do {
                let outcome = try await relayOnce()
                pause = outcome.failed > 0 ? failureBackoff : (outcome.published == 0 ? idleInterval : nil)
            } catch where sqlState(of: error) == "42P01" {
                // The relay starts with the service, before its migrations have created the outbox.
                logger.debug("outbox not created yet; waiting for the migrations")
                pause = idleInterval
            } catch {
                logger.warning("outbox relay round failed", metadata: ["error": "\(String(reflecting: error))"])
                pause = failureBackoff
            }
            if let pause { await cancelWhenGracefulShutdown { await self.wakeups.wait(upTo: pause) } }
        }
    }

    /// One round: claim, send, mark. Returns how many rows were published and how many failed.
    @discardableResult
    public func relayOnce() async throws -> (published: Int, failed: Int) {
        let (producer, logger, batchSize) = (self.producer, self.logger, self.batchSize)
        let outcome = try await client.withTransaction(logger: logger) { connection -> (Int, Int, String?) in
            let rows = try await Outbox.claim(limit: batchSize, on: connection, logger: logger)
            guard !rows.isEmpty else { return (0, 0, nil) }
            let messages = rows.map { row in
                KafkaOutgoingMessage(
                    topic: row.message.topic, key: Array(row.message.key.utf8), value: Array(buffer: row.message.payload),
                    headers: [KafkaHeader(name: Self.eventIDHeader, string: row.message.eventID.uuidString.lowercased())])
            }
            let results = try await producer.send(messages)
            var acknowledged: [Int64] = [], refused: [Int64] = []
            var reason: String?
            for (row, result) in zip(rows, results) {
                switch result {
                case .success: acknowledged.append(row.sequence)
                case .failure(let error):
                    refused.append(row.sequence)
                    reason = reason ?? error.reason
                }
            }
            try await Outbox.markPublished(acknowledged, on: connection, logger: logger)
            try await Outbox.markFailed(refused, reason: reason ?? "", on: connection, logger: logger)
            return (acknowledged.count, refused.count, reason)
        }
        if outcome.0 > 0 { published.increment(by: outcome.0) }
        if outcome.1 > 0 {
            failed.increment(by: outcome.1)
            logger.warning("outbox messages not acknowledged; will retry", metadata: ["count": "\(outcome.1)", "reason": "\(outcome.2 ?? "")"])
        }
        return (outcome.0, outcome.1)
    }
}
