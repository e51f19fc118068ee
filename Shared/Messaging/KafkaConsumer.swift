import CRdKafka
import Logging
import Metrics
import Synchronization

/// A change in which partitions this consumer owns.
public enum RebalanceEvent: Sendable, Hashable {
    case assigned([TopicPartition])
    /// Finish or drop in-flight work for these partitions: another consumer resumes them from the committed offsets.
    case revoked([TopicPartition])
    case failed(String)
}

/// What one poll handed over: messages in partition order, and any rebalance that happened meanwhile.
public struct KafkaBatch: Sendable {
    public var messages: [KafkaMessage]
    public var rebalanceEvents: [RebalanceEvent]

    /// Per partition, the offset after its last message in this batch: what to commit once processed.
    public var nextOffsets: [TopicPartitionOffset] {
        var next: [TopicPartition: Int64] = [:]
        for message in messages { next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1) }
        return next.sorted { $0.key < $1.key }.map { TopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }
}

/// A consumer-group member that hands messages to Swift in batches.
///
/// Polling runs on the consumer's own thread: one async hop per batch, not per message. Nothing is
/// committed automatically; call ``commit(_:)-(KafkaBatch)`` once a batch is durably processed. The next
/// poll is where rebalances happen, so a batch is always finished (and committed) before its partitions
/// can be revoked.
public final class KafkaConsumer: Sendable {
    private let handle: RDKafkaHandle
    private let executor = BlockingExecutor(label: "kafka.consumer")
    private let rebalances: RebalanceRecorder
    private let configuration: KafkaConsumerConfiguration
    private let logger: Logger
    private let closed = Atomic<Bool>(false)

    /// - Parameter metricsFactory: where consumer lag goes (the process's metrics system unless a test says otherwise).
    /// - Parameter startingOffsets: where to start newly assigned partitions (for example offsets stored
    ///   in PostgreSQL with the state they describe); partitions it leaves out start from the committed offset.
    public init(
        configuration: KafkaConsumerConfiguration, logger: Logger,
        startingOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws(KafkaError) {
        let rebalances = RebalanceRecorder(logger: logger, startingOffsets: startingOffsets)
        let onStatistics = KafkaStatistics.callback(every: configuration.statisticsInterval, group: configuration.groupID, logger: logger, factory: metricsFactory)
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            onStatistics: onStatistics,
            onRebalance: { handle, error, partitions in rebalances.handle(handle, error: error, partitions: partitions) })
        handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, properties: configuration.properties, callbacks: callbacks)
        self.rebalances = rebalances
        self.configuration = configuration
        self.logger = logger
        // Serve everything (logs, statistics, rebalances) from the consumer queue we poll.
        rd_kafka_poll_set_consumer(handle.pointer)
        let list = RDKafkaPartitionList(configuration.topics.map { TopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
        let code = rd_kafka_subscribe(handle.pointer, list.pointer)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(code, context: "subscribe to \(configuration.topics)") }
    }

    /// The partitions this consumer owns now.
    public var assignment: [TopicPartition] { rebalances.assigned.sorted() }

    /// Up to `maxBatchSize` messages: those already fetched, or, when none are, the first to arrive within
    /// `maxBatchWait` and whatever came with it. An empty batch means nothing arrived.
    public func nextBatch() async throws(KafkaError) -> KafkaBatch {
        guard !closed.load(ordering: .acquiring) else { throw KafkaError.client("the consumer is closed") }
        let (handle, rebalances, logger) = (self.handle, self.rebalances, self.logger)
        let (maxSize, maxWait) = (configuration.maxBatchSize, configuration.maxBatchWait)
        let batch = try await executor.run { () throws(KafkaError) -> KafkaBatch in
            // Checked again on the consumer's thread, where close() and abandon() run.
            guard !self.closed.load(ordering: .acquiring) else { throw KafkaError.client("the consumer is closed") }
            var reader = BatchReader(expected: min(maxSize, 16_384))
            let deadline = ContinuousClock.now.advanced(by: maxWait)
            let eventsBefore = rebalances.eventCount
            while reader.count < maxSize {
                // Take what is already fetched without blocking; only an empty queue reads the clock and waits.
                var raw = rd_kafka_consumer_poll(handle.pointer, 0)
                // An empty queue ends a batch that has messages: under load the queue fills while the caller
                // works, so batches grow by themselves; when it is quiet a message is not held back.
                if raw == nil && reader.count > 0 { break }
                if raw == nil {
                    let remaining = ContinuousClock.now.duration(to: deadline)
                    guard remaining > .zero else { break }
                    // Blocks this dedicated thread for at most `remaining`; serves rebalance callbacks too.
                    raw = rd_kafka_consumer_poll(handle.pointer, Int32(clamping: max(1, remaining.milliseconds)))
                }
                guard let raw else { continue }
                defer { rd_kafka_message_destroy(raw) }  // we own every message poll returns
                if raw.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    if raw.pointee.err == RD_KAFKA_RESP_ERR__FATAL, let fatal = KafkaError.fatal(of: handle.pointer) { throw fatal }
                    logger.info("Kafka consumer error", metadata: ["error": "\(KafkaError.from(raw.pointee.err).reason)"])
                    continue
                }
                reader.copy(raw)
                if rebalances.eventCount != eventsBefore { break }  // hand the rebalance over promptly
            }
            var messages = reader.messages()
            let events = rebalances.drain()
            if !events.isEmpty {
                // Messages polled before a revoke belong to the partitions' next owner now.
                let owned = rebalances.assigned
                messages.removeAll { !owned.contains($0.topicPartition) }
            }
            return KafkaBatch(messages: messages, rebalanceEvents: events)
        }
        KafkaMetrics.consumed(batch.messages)
        return batch
    }

    /// Commits the offsets after a processed batch.
    public func commit(_ batch: KafkaBatch) async throws(KafkaError) {
        try await commit(batch.nextOffsets)
    }

    /// Commits explicit offsets (each the next offset to read) and waits for the broker to confirm.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let handle = self.handle
        let code = await executor.run {
            // Checked on the consumer's thread, where close() and abandon() also run: never a freed handle.
            guard !self.closed.load(ordering: .acquiring) else { return RD_KAFKA_RESP_ERR__STATE }
            let list = RDKafkaPartitionList(offsets)
            return rd_kafka_commit(handle.pointer, list.pointer, 0)  // 0: synchronous, on this thread
        }
        guard code != RD_KAFKA_RESP_ERR__STATE else { throw KafkaError.client("the consumer is closed") }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw KafkaError.from(code, context: "commit")
        }
    }

    /// The offset after the last message of each partition of `topic` now (its high watermark), asked of
    /// the broker: where a reader that wants "everything so far" stops.
    public func endOffsets(topic: String, partitions: [Int32]) async throws(KafkaError) -> [Int32: Int64] {
        try await watermarks(topic: topic, partitions: partitions).mapValues(\.high)
    }

    /// Each partition's first offset still on the broker (low) and the offset after its last message (high).
    public func watermarks(topic: String, partitions: [Int32]) async throws(KafkaError) -> [Int32: (low: Int64, high: Int64)] {
        let handle = self.handle
        return try await executor.run { () throws(KafkaError) -> [Int32: (low: Int64, high: Int64)] in
            guard !self.closed.load(ordering: .acquiring) else { throw KafkaError.client("the consumer is closed") }
            var marks: [Int32: (low: Int64, high: Int64)] = [:]
            for partition in partitions {
                var low: Int64 = 0, high: Int64 = 0
                let code = rd_kafka_query_watermark_offsets(handle.pointer, topic, partition, &low, &high, 10_000)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(code, context: "watermarks of \(topic)[\(partition)]") }
                marks[partition] = (low, high)
            }
            return marks
        }
    }

    /// Stops fetching from every assigned partition (back-pressure); ``resume()`` starts again.
    public func pause() async throws(KafkaError) { try await changeFetching(pause: true) }
    public func resume() async throws(KafkaError) { try await changeFetching(pause: false) }

    private func changeFetching(pause: Bool) async throws(KafkaError) {
        let handle = self.handle
        let code = await executor.run { () -> rd_kafka_resp_err_t in
            guard !self.closed.load(ordering: .acquiring) else { return RD_KAFKA_RESP_ERR__STATE }
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let code = rd_kafka_assignment(handle.pointer, &list)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return code }
            defer { rd_kafka_topic_partition_list_destroy(list) }  // rd_kafka_assignment's list is ours
            return pause ? rd_kafka_pause_partitions(handle.pointer, list) : rd_kafka_resume_partitions(handle.pointer, list)
        }
        guard code != RD_KAFKA_RESP_ERR__STATE else { throw KafkaError.client("the consumer is closed") }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.from(code, context: pause ? "pause" : "resume") }
    }

    /// Leaves the group cleanly (its partitions go to the other members at once) and stops polling.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let handle = self.handle
        let code = await executor.run { rd_kafka_consumer_close(handle.pointer) }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.info("Kafka consumer closed with an error", metadata: ["error": "\(KafkaError.from(code).reason)"])
        }
    }

    /// Drops the consumer the way a crashed process would: no commit, no leaving the group. The group
    /// reassigns its partitions after the session timeout. For tests of crash recovery.
    @_spi(Testing)
    public func abandon() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let handle = self.handle
        await executor.run { handle.destroy(flags: RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE) }
    }
}

/// Copies a batch out of librdkafka's messages: keys and values into one shared buffer, the rest per message.
struct BatchReader {
    private struct Entry {
        var topic: String
        var partition: Int32
        var offset: Int64
        var key: Range<Int>?
        var value: Range<Int>
        var headers: [KafkaHeader]
        var timestamp: Int64?
    }
    private var entries: [Entry] = []
    private var bytes: [UInt8] = []
    private var lastTopic: (handle: OpaquePointer, name: String)?

    init(expected: Int) {
        entries.reserveCapacity(expected)
        bytes.reserveCapacity(expected * 128)
    }

    var count: Int { entries.count }

    /// Copies what Swift keeps out of a message librdkafka owns (and frees after this call).
    mutating func copy(_ raw: UnsafeMutablePointer<rd_kafka_message_t>) {
        let message = raw.pointee
        let topic = topicName(message.rkt)
        var key: Range<Int>?
        if let pointer = message.key {
            key = append(UnsafeRawBufferPointer(start: pointer, count: message.key_len))
        }
        let value = message.payload.map { append(UnsafeRawBufferPointer(start: $0, count: message.len)) } ?? bytes.count..<bytes.count
        var headers: [KafkaHeader] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(raw, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {  // the message owns the list
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(raw, &timestampType)
        entries.append(Entry(topic: topic, partition: message.partition, offset: message.offset, key: key, value: value, headers: headers,
                             timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp))
    }

    /// The batch's messages, their keys and values slicing the one buffer.
    func messages() -> [KafkaMessage] {
        let storage = bytes
        return entries.map { entry in
            KafkaMessage(topic: entry.topic, partition: entry.partition, offset: entry.offset, key: entry.key.map { storage[$0] },
                         value: storage[entry.value], headers: entry.headers, timestampMilliseconds: entry.timestamp)
        }
    }

    private mutating func append(_ buffer: UnsafeRawBufferPointer) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: buffer)
        return start..<bytes.count
    }

    /// One String per topic handle for the batch, instead of one per message.
    private mutating func topicName(_ handle: OpaquePointer) -> String {
        if let lastTopic, lastTopic.handle == handle { return lastTopic.name }
        let name = String(cString: rd_kafka_topic_name(handle))
        lastTopic = (handle, name)
        return name
    }
}
