import Events
import Logging
import Messaging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Storage

/// Streams `attendance.marks` into pupils' state and signals, exactly once in effect.
///
/// Per batch, one PostgreSQL transaction writes the changed pupils, the signals (signals table and
/// outbox) and the next offset of every partition; the Kafka commit follows. PostgreSQL's offsets are the
/// truth: a message below them (redelivered after a crash between the two commits) is skipped. A newly
/// assigned partition loads its pupils and offsets from PostgreSQL first; a revoked one is dropped.
///
/// Shutdown: finishes the batch in hand, commits, and leaves the group. `stopAtEnd` ends the loop once every
/// assigned partition has been processed up to where it ended when it was assigned (the `rebuild` command).
final class MarksConsumer: Service, Sendable {
    private let consumer: KafkaConsumer
    private let postgres: PostgresClient
    private let settings: DetectorSettings
    private let families: FamilyIndex
    /// The name under which offsets are stored in PostgreSQL (the service's consumer group).
    private let offsetsGroup: String
    private let logger: Logger
    private let stopAtEnd: Bool
    /// Called after a transaction that queued signals (wakes the outbox relay).
    private let signalsQueued: @Sendable () -> Void
    private let marksApplied = Counter(label: "detector_marks_events_total")
    private let signalsEmitted = Counter(label: "detector_signals_total")

    init(consumer: KafkaConsumer, postgres: PostgresClient, settings: DetectorSettings, families: FamilyIndex = FamilyIndex(),
         offsetsGroup: String, logger: Logger,
         stopAtEnd: Bool = false, signalsQueued: @escaping @Sendable () -> Void = {}) {
        self.consumer = consumer
        self.postgres = postgres
        self.settings = settings
        self.families = families
        self.offsetsGroup = offsetsGroup
        self.logger = logger
        self.stopAtEnd = stopAtEnd
        self.signalsQueued = signalsQueued
    }

    func run() async throws {
        var engine = DetectorEngine(settings: settings, families: families)
        var familiesLoaded = false
        var nextOffsets: [Int32: Int64] = [:]
        var owned = Set<Int32>()
        var stopAt: [Int32: Int64] = [:]
        let topic = TopicCatalogue.attendanceMarks.name
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch = try await consumer.nextBatch()
            var newlyAssigned = Set<Int32>()
            for event in batch.rebalanceEvents {
                switch event {
                case .assigned(let partitions):
                    let mine = Set(partitions.filter { $0.topic == topic }.map(\.partition))
                    newlyAssigned.formUnion(mine)
                    owned.formUnion(mine)
                case .revoked(let partitions):
                    let gone = Set(partitions.filter { $0.topic == topic }.map(\.partition))
                    owned.subtract(gone)
                    newlyAssigned.subtract(gone)
                    engine.drop(partitions: gone)
                    for partition in gone { nextOffsets[partition] = nil }
                case .failed(let reason):
                    logger.warning("rebalance failed", metadata: ["reason": "\(reason)"])
                }
            }
            // Until loaded (PostgreSQL may be down, or the migrations not yet applied), nothing is processed.
            while !newlyAssigned.isEmpty {
                do {
                    if !familiesLoaded {
                        try await families.load(from: postgres, logger: logger)
                        familiesLoaded = true
                    }
                    try await load(newlyAssigned, into: &engine, offsets: &nextOffsets)
                    break
                } catch {
                    logger.warning("partitions not loaded yet; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try await Task.sleep(for: .seconds(1))
                }
            }
            if stopAtEnd, !newlyAssigned.isEmpty {
                stopAt.merge(try await consumer.endOffsets(topic: topic, partitions: newlyAssigned.sorted())) { _, new in new }
            }
            if stopAtEnd, !owned.isEmpty, stopAt.allSatisfy({ $0.value <= (nextOffsets[$0.key] ?? 0) }) { break }
            if batch.messages.isEmpty { continue }
            let fresh = batch.messages.filter { $0.offset >= nextOffsets[$0.partition] ?? 0 && owned.contains($0.partition) }
            if !fresh.isEmpty {
                try await process(fresh, engine: &engine, offsets: &nextOffsets)
            }
            if stopAtEnd, stopAt.allSatisfy({ $0.value <= (nextOffsets[$0.key] ?? 0) }) {
                try? await consumer.commit(batch)
                break
            }
            do {
                try await consumer.commit(batch)
            } catch let error where error.isFatal {
                throw error
            } catch {
                logger.info("attendance.marks commit refused; PostgreSQL keeps the offsets", metadata: ["error": "\(error)"])
            }
        }
        await consumer.close()
    }

    /// Applies the messages and writes the outcome in one transaction; on a failure, reloads the state of
    /// the partitions from PostgreSQL and tries again, so memory never runs ahead of what is stored.
    private func process(_ messages: [KafkaMessage], engine: inout DetectorEngine, offsets: inout [Int32: Int64]) async throws {
        while true {
            // Applied in place: if the transaction fails, the partitions are reloaded from PostgreSQL, with
            // their offsets, so a batch that did commit after all is not applied twice.
            let pending = messages.filter { $0.offset >= offsets[$0.partition] ?? 0 }
            guard !pending.isEmpty else { return }
            var signals: [AttendanceSignal] = []
            var positions: [Int32: Int64] = [:]
            for message in pending {
                do {
                    signals += try engine.apply(message: message.value, partition: message.partition, logger: logger)
                } catch {
                    // register-ingest wrote it; an unreadable event is a bug to see, not a reason to stop the stream.
                    logger.error("unreadable attendance.marks event skipped", metadata: [
                        "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(error)"])
                }
                positions[message.partition] = message.offset + 1
            }
            let changed = engine.takeChanged()
            let (logger, group) = (self.logger, offsetsGroup)
            let topic = TopicCatalogue.attendanceMarks.name
            let outcome = positions
            let emitted = signals
            do {
                try await postgres.withTransaction(logger: logger) { connection in
                    try await PupilStateStore.save(changed, on: connection, logger: logger)
                    try await SignalStore.record(emitted, on: connection, logger: logger)
                    try await ConsumerOffsets.store(outcome.map { ConsumerOffsets.Position(topic: topic, partition: $0.key, nextOffset: $0.value) },
                                                    group: group, on: connection, logger: logger)
                }
                offsets.merge(positions) { _, new in new }
                marksApplied.increment(by: pending.count)
                if !signals.isEmpty {
                    signalsEmitted.increment(by: signals.count)
                    signalsQueued()
                }
                return
            } catch {
                logger.warning("batch not stored; retrying from PostgreSQL's state", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .seconds(1))
                // Until reloaded, memory is ahead of PostgreSQL: keep trying, and apply nothing meanwhile.
                while true {
                    do {
                        try await load(Set(positions.keys), into: &engine, offsets: &offsets)
                        break
                    } catch {
                        logger.warning("partitions not reloaded yet; retrying", metadata: ["error": "\(String(reflecting: error))"])
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }

    private func load(_ partitions: Set<Int32>, into engine: inout DetectorEngine, offsets: inout [Int32: Int64]) async throws {
        let (logger, group) = (self.logger, offsetsGroup)
        let (pupils, stored) = try await postgres.withConnection { connection in
            (try await PupilStateStore.load(partitions: partitions, on: connection, logger: logger),
             try await ConsumerOffsets.load(group: group, topic: TopicCatalogue.attendanceMarks.name, on: connection, logger: logger))
        }
        engine.replace(partitions: partitions, with: pupils)
        for partition in partitions { offsets[partition] = stored[partition] ?? 0 }
        logger.info("partitions loaded", metadata: ["partitions": "\(partitions.sorted())", "pupils": "\(pupils.count)"])
    }
}
