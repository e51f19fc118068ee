import Foundation
import Logging
import Messaging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Storage

/// Consumes topics in batches and applies each batch exactly once in effect, in one PostgreSQL transaction.
///
/// Per batch, the transaction:
/// 1. claims any partition not yet claimed since it was assigned (a new generation in `consumer_offsets`),
///    and has the handler load its state;
/// 2. skips messages below the stored offsets, and events already in the inbox (`event-id` header);
/// 3. has the handler apply the rest, and writes its outbox events and dead letters;
/// 4. stores every partition's next offset under its generation: refused (``ConsumerOffsets/Fenced``) once
///    another instance has claimed the partition, so an owner that stalled past its poll interval writes nothing.
///
/// The Kafka commit follows the PostgreSQL commit; PostgreSQL's offsets are the truth and newly assigned
/// partitions start from them. A batch that fails is kept and tried again with back-off, its partitions
/// paused so that the consumer keeps polling (and its group membership) meanwhile; its partitions' state
/// is reloaded from PostgreSQL first. A fatal Kafka error ends the service (the process restarts).
///
/// Shutdown: between batches, or during a retry's pause, whether PostgreSQL answers or not. A batch not
/// stored is not committed, and is delivered again to whoever owns its partitions next.
public final class BatchConsumer<Handler: BatchHandler>: Service, Sendable {
    public struct Settings: Sendable {
        /// Under this name the consumer's offsets and inbox are stored (usually the consumer group).
        public var name: String
        /// The first pause after a failed batch; it doubles up to ``maxRetryPause``.
        public var retryPause: Duration = .milliseconds(200)
        public var maxRetryPause: Duration = .seconds(5)
        /// End once every partition is processed up to where it ended when assigned (a rebuild).
        public var stopAtEnd = false
        /// A batch's transaction that has not answered by then is abandoned (its state reloaded, the batch
        /// tried again): a query on a connection that died under it, as when PostgreSQL restarts, may never answer.
        public var transactionTimeout: Duration = .seconds(120)

        public init(name: String) { self.name = name }
    }

    private let consumer: KafkaConsumer
    private let postgres: PostgresClient
    private let handler: Handler
    private let settings: Settings
    private let logger: Logger
    private let committed: @Sendable () -> Void
    private let metrics: ConsumerMetrics

    /// - Parameters:
    ///   - configuration: the Kafka consumer; its partitions start from the offsets stored under `settings.name`.
    ///   - committed: called after each transaction that applied messages (to wake the outbox relay).
    public init(configuration: KafkaConsumerConfiguration, settings: Settings, postgres: PostgresClient, handler: Handler,
                logger: Logger, committed: @escaping @Sendable () -> Void = {}) throws(KafkaError) {
        var logger = logger
        logger[metadataKey: "consumer"] = "\(settings.name)"
        self.consumer = try KafkaConsumer(
            configuration: configuration, logger: logger,
            startingOffsets: StoredStartingOffsets.provider(postgres: postgres, name: settings.name, topics: configuration.topics, logger: logger))
        self.postgres = postgres
        self.handler = handler
        self.settings = settings
        self.logger = logger
        self.committed = committed
        self.metrics = ConsumerMetrics(name: settings.name)
    }

    public func run() async throws {
        // `self.handler` stays as it was given: a fresh start after a transaction is abandoned.
        var slot = HandlerSlot(handler)
        var partitions = PartitionTable()
        var pending: [KafkaMessage] = []
        var pause = settings.retryPause
        var paused = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if settings.stopAtEnd, partitions.reachedEnds { break }
            let batch = try await consumer.nextBatch()
            for event in batch.rebalanceEvents {
                switch event {
                case .assigned(let assigned):
                    partitions.assign(assigned)
                    if settings.stopAtEnd { try await partitions.setEnds(for: assigned, from: consumer) }
                case .revoked(let revoked):
                    partitions.revoke(revoked)
                    slot.handler.forget(revoked)
                    pending.removeAll { revoked.contains($0.topicPartition) }
                case .failed(let reason):
                    logger.warning("rebalance failed", metadata: ["reason": "\(reason)"])
                }
            }
            pending += batch.messages.filter { partitions.owns($0.topicPartition) }
            if paused && pending.isEmpty {
                // The waiting batch's partitions were revoked: fetch again (librdkafka keeps a partition
                // paused even when it is assigned here again).
                paused = !(await resumeFetching())
            }
            guard !pending.isEmpty else { continue }
            let stored: Bool
            do {
                stored = try await store(pending, slot: slot, partitions: &partitions)
            } catch let fenced as ConsumerOffsets.Fenced {
                // Another instance owns these partitions now: what this one holds of them is stale.
                metrics.fenced.increment()
                logger.warning("offsets refused: another instance owns the partitions now", metadata: ["partitions": "\(fenced.partitions)"])
                let lost = partitions.lose(fenced.partitions.map { TopicPartition(topic: $0.topic, partition: $0.partition) })
                pending.removeAll { lost.contains($0.topicPartition) }
                slot.handler.forget(lost + partitions.unclaimAll())
                continue
            } catch let error as KafkaError where error.isFatal {
                logger.critical("fatal Kafka error; stopping", metadata: ["error": "\(error)"])
                throw error
            } catch {
                // Memory may be ahead of PostgreSQL: forget, and claim and load again on the next attempt.
                if error is DeadlinePassed {
                    // The abandoned transaction may still hold the handler: go on with a fresh one.
                    metrics.abandoned.increment()
                    slot = HandlerSlot(handler)
                }
                slot.handler.forget(partitions.unclaimAll())
                metrics.retries.increment()
                logger.warning("batch not stored; retrying", metadata: [
                    "messages": "\(pending.count)", "retry.pause": "\(pause)", "error": "\(String(reflecting: error))"])
                if !paused {
                    // Keep polling (membership, rebalances) without fetching more while this batch waits.
                    do {
                        try await consumer.pause()
                        paused = true
                    } catch {
                        logger.debug("partitions not paused", metadata: ["error": "\(error)"])
                    }
                }
                let wait = pause
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                pause = min(pause * 2, settings.maxRetryPause)
                continue
            }
            try await commitToKafka(pending)
            pending = []
            pause = settings.retryPause
            if paused { paused = !(await resumeFetching()) }
            if stored {
                slot.handler.committed()
                committed()
            }
        }
        await consumer.close()
    }

    /// Resumes the paused partitions; false when that failed (tried again later).
    private func resumeFetching() async -> Bool {
        do {
            try await consumer.resume()
            return true
        } catch {
            logger.debug("partitions not resumed yet", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// One transaction for the batch, abandoned past ``Settings/transactionTimeout``; returns whether any
    /// message was applied.
    private func store(_ messages: [KafkaMessage], slot: HandlerSlot<Handler>, partitions: inout PartitionTable) async throws -> Bool {
        let (name, logger, metrics, postgres) = (settings.name, self.logger, self.metrics, self.postgres)
        let started = ContinuousClock.now
        let known = partitions
        let nextOffsets = Self.nextOffsets(of: messages)
        let timeout = "\(settings.transactionTimeout.components.seconds)s"
        let (applied, claimed) = try await abandoningAfter(settings.transactionTimeout) {
          try await Self.unwrappingTransactionErrors { try await postgres.withTransaction(logger: logger) { connection -> (Int, [TopicPartition: ConsumerOffsets.Claim]) in
            var claimed: [TopicPartition: ConsumerOffsets.Claim] = [:]
            // Should this transaction be abandoned, PostgreSQL ends it too rather than keep its locks.
            try await connection.query("""
                SELECT set_config('statement_timeout', \(timeout), true), set_config('idle_in_transaction_session_timeout', \(timeout), true)
                """, logger: logger)
            let unclaimed = known.unclaimedOwned
            if !unclaimed.isEmpty {
                let claims = try await ConsumerOffsets.claim(unclaimed.map { ($0.topic, $0.partition) }, group: name, on: connection, logger: logger)
                for partition in unclaimed { claimed[partition] = claims[partition.topic]?[partition.partition] }
                try await slot.handler.load(unclaimed, on: connection, logger: logger)
            }
            func claimOf(_ partition: TopicPartition) -> ConsumerOffsets.Claim? { claimed[partition] ?? known.claim(of: partition) }
            // Below the stored offset: applied before (a redelivery after a crash between the two commits).
            var fresh = messages.filter { message in message.offset >= (claimOf(message.topicPartition)?.nextOffset ?? 0) }
            let eventIDs = fresh.compactMap(Self.eventID)
            if !eventIDs.isEmpty {
                var new = try await ProcessedEvents.markProcessed(eventIDs, consumer: name, on: connection, logger: logger)
                // New to the inbox, and the first copy in the batch (a relay that resent puts two side by side).
                fresh.removeAll { message in Self.eventID(of: message).map { new.remove($0) == nil } ?? false }
            }
            var batch = ConsumedBatch(consumerName: name, logger: logger)
            if !fresh.isEmpty { try await slot.handler.apply(fresh, in: &batch, on: connection) }
            try await Outbox.enqueue(batch.outgoing, on: connection, logger: logger)
            let positions = try nextOffsets.map { position in
                guard let claim = claimOf(TopicPartition(topic: position.topic, partition: position.partition)) else {
                    throw ConsumerOffsets.Fenced(partitions: [(position.topic, position.partition)])  // not ours to write
                }
                return (position: position, generation: claim.generation)
            }
            try await ConsumerOffsets.store(positions, group: name, on: connection, logger: logger)
            metrics.deadLettered.increment(by: batch.deadLettered)
            return (fresh.count, claimed)
          } }
        }
        // Committed: the claims hold, and the stored offsets moved on.
        partitions.record(claimed)
        partitions.advance(to: nextOffsets)
        metrics.applied.increment(by: applied)
        metrics.skipped.increment(by: messages.count - applied)
        let elapsed = started.duration(to: .now).components
        metrics.batchDuration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        return applied > 0
    }

    private func commitToKafka(_ messages: [KafkaMessage]) async throws {
        do {
            try await consumer.commit(Self.nextOffsets(of: messages).map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: $0.nextOffset) })
        } catch let error where error.isFatal {
            throw error
        } catch {
            // PostgreSQL holds the offsets; Kafka's commit only saves a new owner some skipping.
            logger.debug("Kafka commit refused; PostgreSQL keeps the offsets", metadata: ["error": "\(error)"])
        }
    }

    /// The transaction's own errors stay wrapped; a fence or a Kafka error from inside it comes out as itself.
    private static func unwrappingTransactionErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError, inner is ConsumerOffsets.Fenced || inner is KafkaError { throw inner }
            throw error
        }
    }

    static func eventID(of message: KafkaMessage) -> UUID? {
        message.header(OutboxRelay.eventIDHeader).flatMap { UUID(uuidString: $0.stringValue) }
    }

    static func nextOffsets(of messages: [KafkaMessage]) -> [ConsumerOffsets.Position] {
        var next: [TopicPartition: Int64] = [:]
        for message in messages { next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1) }
        return next.sorted { $0.key < $1.key }.map { ConsumerOffsets.Position(topic: $0.key.topic, partition: $0.key.partition, nextOffset: $0.value) }
    }
}

/// The counters of one consumer, labelled with its name.
struct ConsumerMetrics: Sendable {
    let applied: Counter
    let skipped: Counter
    let retries: Counter
    let fenced: Counter
    let deadLettered: Counter
    /// Transactions abandoned past their deadline.
    let abandoned: Counter
    let batchDuration: Timer

    init(name: String) {
        let dimensions = [("consumer", name)]
        applied = Counter(label: "consumer_messages_applied_total", dimensions: dimensions)
        skipped = Counter(label: "consumer_messages_skipped_total", dimensions: dimensions)
        retries = Counter(label: "consumer_batch_retries_total", dimensions: dimensions)
        fenced = Counter(label: "consumer_offsets_fenced_total", dimensions: dimensions)
        deadLettered = Counter(label: "consumer_dead_letters_total", dimensions: dimensions)
        abandoned = Counter(label: "consumer_transactions_abandoned_total", dimensions: dimensions)
        batchDuration = Timer(label: "consumer_batch_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }
}

/// The consumer's handler, held by reference so that a transaction abandoned past its deadline keeps the
/// copy it was changing while the consumer goes on with a fresh one. Used by one task at a time: the
/// consumer's loop, or the transaction it is waiting for (an abandoned one keeps a slot no longer used).
final class HandlerSlot<Handler: BatchHandler>: @unchecked Sendable {
    var handler: Handler

    init(_ handler: Handler) { self.handler = handler }
}
