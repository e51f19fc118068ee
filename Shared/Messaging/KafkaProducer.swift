import CRdKafka
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Sends keyed messages with headers and awaits the broker's acknowledgement of each.
///
/// librdkafka batches and retries on its own threads; a dedicated thread serves its delivery reports,
/// which resume the awaiting tasks. As a `Service`, it flushes on graceful shutdown, for at most
/// `flushTimeout`, then stops its thread.
public final class KafkaProducer: Service, Sendable {
    private let handle: RDKafkaHandle
    private let deliveries: PendingDeliveries
    private let topics: RDKafkaTopicHandles
    private let poller: PollingThread
    private let executor = BlockingExecutor(label: "kafka.producer.flush")
    private let logger: Logger
    private let flushTimeout: Duration
    private let deliveryTimeout: Duration
    private let nextBatch = Atomic<UInt>(1)
    private let closed = Atomic<Bool>(false)

    public init(
        configuration: KafkaProducerConfiguration, logger: Logger, flushTimeout: Duration = .seconds(10),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws(KafkaError) {
        let deliveries = PendingDeliveries()
        let onStatistics = KafkaStatistics.callback(every: configuration.statisticsInterval, logger: logger, factory: metricsFactory)
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            onDelivery: deliveries.deliveryReportHandler(),
            onStatistics: onStatistics)
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.properties, callbacks: callbacks)
        self.handle = handle
        self.deliveries = deliveries
        self.topics = RDKafkaTopicHandles(client: handle)
        self.logger = logger
        self.flushTimeout = flushTimeout
        self.deliveryTimeout = configuration.deliveryTimeout
        // rd_kafka_poll serves delivery reports (and statistics) on this thread; 50 ms bounds stop().
        self.poller = PollingThread(name: "kafka.producer.poll") { _ = rd_kafka_poll(handle.pointer, 50) }
        logger.debug("Kafka producer created", metadata: ["librdkafka": "\(KafkaVersion.librdkafka)"])
    }

    /// Sends one message and returns once the broker has acknowledged it.
    /// Throws when it cannot be queued, or when the broker has not acknowledged it within the delivery timeout.
    @discardableResult
    public func send(_ message: KafkaOutgoingMessage) async throws(KafkaError) -> DeliveryReport {
        try await send([message])[0].get()
    }

    /// Sends many messages at once (librdkafka batches them) and returns each one's outcome, in order.
    /// Throws only when the producer is closed.
    public func send(_ messages: [KafkaOutgoingMessage]) async throws(KafkaError) -> [Result<DeliveryReport, KafkaError>] {
        guard !closed.load(ordering: .acquiring) else { throw KafkaError.client("the producer is closed") }
        guard !messages.isEmpty else { return [] }
        guard messages.count <= MessageID.maxBatchSize else { throw KafkaError.client("a batch holds at most \(MessageID.maxBatchSize) messages") }
        let batch = nextBatch.add(1, ordering: .relaxed).oldValue
        // One waiter for the whole batch, registered before producing, so no report can be missed.
        let waiter = DeliveryWaiter(messages: messages)
        deliveries.register(batch: batch, waiter: waiter)
        let deadline = ContinuousClock.now.advanced(by: deliveryTimeout)
        var topicHandle: (name: String, pointer: OpaquePointer)?
        for (index, message) in messages.enumerated() {
            let id = MessageID.make(batch: batch, index: index)
            if topicHandle?.name != message.topic {
                do { topicHandle = (message.topic, try topics.handle(for: message.topic)) } catch {
                    deliveries.complete(id, partition: -1, offset: -1, error: error)
                    continue
                }
            }
            while let refusal = RDKafkaProduce.produce(message, id: id, topic: topicHandle!.pointer, on: handle.pointer) {
                // librdkafka's queue is full: wait for room (back-pressure), without blocking a thread.
                if refusal.rdKafkaCode == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, ContinuousClock.now < deadline, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(1))
                    continue
                }
                deliveries.complete(id, partition: -1, offset: -1, error: refusal)
                break
            }
        }
        if closed.load(ordering: .acquiring) {
            // shutdown() began after the check above and may have failed the waiters before this one was
            // registered; nobody serves reports any more, so this batch must not wait for them.
            deliveries.cancel(batch: batch, error: KafkaError.client("the producer closed before the broker acknowledged the message", retriable: true))
        }
        let results = await withTaskCancellationHandler {
            await waiter.results()
        } onCancel: {
            // librdkafka may still deliver them; the awaiting task just stops waiting, and the batch's
            // entry goes, so late reports find nothing to resume.
            deliveries.cancel(batch: batch, error: KafkaError.client("the send was cancelled", retriable: true))
        }
        KafkaMetrics.produced(messages, results: results)
        return results
    }

    /// How many sends still wait for delivery reports: 0 once every send has returned (for tests).
    @_spi(Testing)
    public var sendsAwaitingReports: Int { deliveries.waitingBatches }

    /// Waits until every queued message is acknowledged or failed, for at most `timeout`.
    public func flush(timeout: Duration) async throws(KafkaError) {
        let handle = self.handle
        let code = await executor.run { rd_kafka_flush(handle.pointer, Int32(clamping: timeout.milliseconds)) }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.from(code, context: "flush") }
    }

    /// Runs until graceful shutdown, then flushes and stops serving delivery reports.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Flushes for at most the flush timeout, fails whatever is still waiting, and stops the poll thread.
    ///
    /// The poll thread stops first: `rd_kafka_flush` serves delivery reports itself, and two threads serving
    /// them at once would both run the delivery callback (which is written for one thread).
    public func shutdown() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let poller = self.poller
        await executor.run { poller.stop() }  // waits up to one poll interval: not on the cooperative pool
        do {
            try await flush(timeout: flushTimeout)
        } catch {
            logger.warning("Kafka producer closed with messages unacknowledged", metadata: ["error": "\(error)"])
        }
        deliveries.failAll(KafkaError.client("the producer closed before the broker acknowledged the message", retriable: true))
    }
}

/// A message's id in its delivery report: its batch in the high bits, its place in the batch in the low.
enum MessageID {
    static let indexBits = 24
    static let maxBatchSize = 1 << indexBits

    static func make(batch: UInt, index: Int) -> UInt { batch << indexBits | UInt(index) }
    static func split(_ id: UInt) -> (batch: UInt, index: Int) { (id >> indexBits, Int(id & UInt(maxBatchSize - 1))) }
}

/// The batches waiting for delivery reports, by batch number.
final class PendingDeliveries: Sendable {
    private let waiting = Locked<[UInt: DeliveryWaiter]>([:])

    func register(batch: UInt, waiter: DeliveryWaiter) {
        waiting.withLock { $0[batch] = waiter }
    }

    /// Called from the delivery-report callback on the poll thread, or for a message librdkafka refused.
    func complete(_ id: UInt, partition: Int32, offset: Int64, error: KafkaError?) {
        let (batch, index) = MessageID.split(id)
        guard let waiter = waiting.withLock({ $0[batch] }) else { return }
        if waiter.complete(index, partition: partition, offset: offset, error: error) {
            waiting.withLock { _ = $0.removeValue(forKey: batch) }
        }
    }

    /// The handler for the delivery-report callback. librdkafka calls it on the poll thread alone, for runs
    /// of messages of the same batch, so it remembers the last batch's waiter instead of a lookup each time.
    func deliveryReportHandler() -> @Sendable (UInt, Int32, Int64, KafkaError?) -> Void {
        let cursor = PollThreadCursor()
        return { [self] id, partition, offset, error in
            let (batch, index) = MessageID.split(id)
            let waiter: DeliveryWaiter
            if let cached = cursor.last, cached.batch == batch {
                waiter = cached.waiter
            } else {
                guard let found = waiting.withLock({ $0[batch] }) else { return }
                waiter = found
                cursor.last = (batch, found)
            }
            if waiter.complete(index, partition: partition, offset: offset, error: error) {
                waiting.withLock { _ = $0.removeValue(forKey: batch) }
                cursor.last = nil
            }
        }
    }

    /// Touched only by the poll thread (librdkafka serves delivery reports inside rd_kafka_poll).
    private final class PollThreadCursor: @unchecked Sendable {
        var last: (batch: UInt, waiter: DeliveryWaiter)?
    }

    /// Stops waiting for one batch: its open messages fail with `error` and its entry is removed.
    func cancel(batch: UInt, error: KafkaError) {
        let waiter = waiting.withLock { $0.removeValue(forKey: batch) }
        waiter?.failRemaining(error)
    }

    /// The number of batches still waiting for reports (for tests).
    var waitingBatches: Int { waiting.withLock { $0.count } }

    func failAll(_ error: KafkaError) {
        let all = waiting.withLock { waiting in
            defer { waiting.removeAll() }
            return Array(waiting.values)
        }
        for waiter in all { waiter.failRemaining(error) }
    }
}

/// Collects the outcomes of one batch and resumes its sender once all are in.
final class DeliveryWaiter: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var continuation: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }
    private let state: Locked<State>
    private let topics: [String]
    private let started = ContinuousClock.now

    init(messages: [KafkaOutgoingMessage]) {
        topics = messages.map(\.topic)
        state = Locked(State(results: Array(repeating: nil, count: messages.count), remaining: messages.count, continuation: nil))
    }

    /// Records one outcome; returns true when it was the batch's last.
    @discardableResult
    func complete(_ index: Int, partition: Int32, offset: Int64, error: KafkaError?) -> Bool {
        let result: Result<DeliveryReport, KafkaError> = error.map { .failure($0) }
            ?? .success(DeliveryReport(topic: topics[index], partition: partition, offset: offset))
        let finished = state.withLock { state -> (CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?, [Result<DeliveryReport, KafkaError>])? in
            guard case .none = state.results[index] else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.continuation = nil }
            return (state.continuation, state.results.map { $0! })
        }
        guard let (continuation, results) = finished else { return false }
        // The batch's delivery latency: from the send to its last acknowledgement.
        KafkaMetrics.deliveryLatency.record(started.duration(to: .now))
        continuation?.resume(returning: results)
        return true
    }

    func failRemaining(_ error: KafkaError) {
        let open = state.withLock { state in state.results.indices.filter { if case .none = state.results[$0] { true } else { false } } }
        for index in open { complete(index, partition: -1, offset: -1, error: error) }
    }

    func results() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Result<DeliveryReport, KafkaError>]? in
                if state.remaining == 0 { return state.results.map { $0! } }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
