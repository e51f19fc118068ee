import Foundation
import Logging
import Messaging
import Metrics
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Storage

/// Publishes what a service's transactions put in its outbox, in the order they wrote it, and marks it published.
///
/// One relay per schema publishes at a time, whatever the number of service instances: a round runs only
/// under the schema's PostgreSQL advisory lock (session-level, taken on the round's connection and released
/// after its commit); a relay that cannot take it tries again after `standbyInterval`, and a relay whose
/// process dies mid-round releases it with its connection. Rounds one after the other, each reading rows in
/// `id` order and waiting for the broker's acknowledgements before the next, keep each key's events in
/// order: rows of one session get their ids under register-ingest's lock on it, so in commit order.
///
/// Each round claims up to `batchSize` rows, sends them in one batch, waits for the acknowledgements and
/// marks the acknowledged rows published in the same transaction. A row the broker refuses for its own sake
/// (too large, unknown topic) counts an attempt; after `maxAttempts` it is parked: logged with its event id
/// and topic, counted, and left for an operator, while rows of other keys go on (the later rows of its key
/// wait behind it, to keep their order). A broker that cannot be reached counts no attempts. A fatal
/// producer error marks the service unready and ends the relay, so the process stops and is restarted.
///
/// The leader also keeps the outbox gauges (unpublished rows, the oldest one's age, parked rows) and
/// deletes published outbox rows and inbox rows older than `retention` (they hold personal data).
/// A crash between the acknowledgement and the commit sends those rows again: consumers skip them by the
/// event id, which travels in the `event-id` header and in the envelope (``BatchConsumer``'s inbox).
///
/// Shutdown: stops between rounds; a round in progress finishes first; leadership is released.
public final class OutboxRelay: Service, Sendable {
    public static let eventIDHeader = "event-id"

    public struct Settings: Sendable {
        public var batchSize = 500
        /// How long an idle leader waits for rows written by other processes (a commit here wakes it at once).
        public var idleInterval: Duration = .milliseconds(100)
        public var failureBackoff: Duration = .seconds(1)
        /// Failed attempts (for the row's own sake) before a row is parked.
        public var maxAttempts = 5
        /// How often a standby tries to become the leader.
        public var standbyInterval: Duration = .seconds(1)
        /// Published outbox rows and inbox rows older than this are deleted.
        public var retention: Duration
        /// How often the leader deletes what is past the retention.
        public var cleanupInterval: Duration = .seconds(300)
        /// How often the leader refreshes the outbox gauges.
        public var gaugeInterval: Duration = .seconds(1)
        /// A round that has not finished by then is abandoned: twice the producer's delivery timeout (a send
        /// may wait that long for room in librdkafka's queue, then as long for acknowledgements), plus a margin.
        public var roundTimeout: Duration
        /// The largest message the broker takes (`message.max.bytes`, 1 MB by default); a larger row is refused
        /// without being sent.
        public var maxMessageBytes = 1_000_000

        public init(deliveryTimeout: Duration = .seconds(30), retention: Duration = .seconds(7 * 24 * 3600)) {
            roundTimeout = deliveryTimeout * 2 + .seconds(30)
            self.retention = retention
        }
    }

    let client: PostgresClient
    let producer: KafkaProducer
    let logger: Logger
    let settings: Settings
    let health: ServiceHealth?
    private let wakeups = WakeSignal()
    let metrics = OutboxMetrics()
    private let housekeeping: OutboxHousekeeping

    public init(client: PostgresClient, producer: KafkaProducer, logger: Logger, settings: Settings = Settings(), health: ServiceHealth? = nil) {
        self.client = client
        self.producer = producer
        self.logger = logger
        self.settings = settings
        self.health = health
        self.housekeeping = OutboxHousekeeping(settings: settings, metrics: metrics)
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
                // A round that does not answer in time (a query on a connection PostgreSQL dropped as it
                // restarted can hang) is abandoned: its connection, and the lock it held, die with the server's side.
                let outcome = try await abandoningAfter(settings.roundTimeout) { try await self.relayOnce() }
                metrics.leader.record(outcome == nil ? 0 : 1)
                switch outcome {
                case nil: pause = settings.standbyInterval
                case let (published, failed)?: pause = published > 0 ? nil : (failed > 0 ? settings.failureBackoff : settings.idleInterval)
                }
            } catch let error as KafkaError where error.isFatal {
                health?.markFatal("outbox relay: \(error.reason)")
                logger.critical("fatal producer error; the outbox relay stops", metadata: ["error": "\(error)"])
                throw error
            } catch where sqlState(of: error) == "42P01" {
                // The relay starts with the service, before its migrations have created the outbox.
                logger.debug("outbox not created yet; waiting for the migrations")
                pause = settings.idleInterval
            } catch {
                logger.warning("outbox relay round failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
                pause = settings.failureBackoff
            }
            if let pause { await cancelWhenGracefulShutdown { await self.wakeups.wait(upTo: pause) } }
        }
        metrics.leader.record(0)
    }

    /// One round, if this relay can lead: in one transaction, takes the schema's lock (transaction-scoped, so
    /// it can never outlive the round, even on a connection returned to the pool), does what housekeeping is
    /// due, publishes one batch and marks it. Nil when another relay holds the lock. Leading round by round,
    /// not for the life of a connection, keeps a connection that PostgreSQL dropped from holding the relay up.
    @discardableResult
    public func relayOnce() async throws -> (published: Int, failed: Int)? {
        let (logger, housekeeping) = (self.logger, self.housekeeping)
        return try await client.withTransaction(logger: logger) { connection in
            guard try await Self.tryLead(on: connection, logger: logger) else { return nil }
            try await housekeeping.runIfDue(on: connection, logger: logger)
            return try await self.round(on: connection)
        }
    }

    // The lock's two keys: the outbox relay's own number, and the schema (each service owns one). The first
    // key has seven digits, so it never meets register-ingest's session and roster locks, whose first key is
    // a six-digit school URN or 1 (rosters).
    private static func tryLead(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        // current_schema() is NULL until the migrations have created the schema: not leading yet.
        let rows = try await connection.query(
            "SELECT coalesce(pg_try_advisory_xact_lock(7020431, hashtext(current_schema())), false)", logger: logger)
        for try await held in rows.decode(Bool.self) { return held }
        return false
    }
}
