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
    private let poller: PollingThread
    private let executor = BlockingExecutor(label: "kafka.producer.flush")
    private let logger: Logger
    private let flushTimeout: Duration
    private let deliveryTimeout: Duration
    private let nextID = Atomic<UInt>(1)
    private let closed = Atomic<Bool>(false)

    public init(configuration: KafkaProducerConfiguration, logger: Logger, flushTimeout: Duration = .seconds(10)) throws(KafkaError) {
        let deliveries = PendingDeliveries()
        let onStatistics = KafkaStatistics.callback(every: configuration.statisticsInterval, logger: logger)
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            onDelivery: { id, result in deliveries.complete(id, with: result) },
            onStatistics: onStatistics)
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: configuration.properties, callbacks: callbacks)
        self.handle = handle
        self.deliveries = deliveries
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
        let firstID = nextID.add(UInt(messages.count), ordering: .relaxed).oldValue
        // One waiter for the whole batch, registered before producing, so no report can be missed.
        let waiter = DeliveryWaiter(count: messages.count)
        deliveries.register(firstID, count: messages.count, waiter: waiter)
        let deadline = ContinuousClock.now.advanced(by: deliveryTimeout)
        for (index, message) in messages.enumerated() {
            let id = firstID + UInt(index)
            while let refusal = RDKafkaProduce.produce(message, id: id, on: handle.pointer) {
                // librdkafka's queue is full: wait for room (back-pressure), without blocking a thread.
                if refusal.rdKafkaCode == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, ContinuousClock.now < deadline, !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(1))
                    continue
                }
                deliveries.complete(id, with: .failure(refusal))
                break
            }
        }
        let results = await withTaskCancellationHandler {
            await waiter.results()
        } onCancel: {
            // librdkafka may still deliver them; the awaiting task just stops waiting.
            waiter.failRemaining(KafkaError.client("the send was cancelled"))
        }
        KafkaMetrics.produced(messages, results: results)
        return results
    }

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
    public func shutdown() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        do {
            try await flush(timeout: flushTimeout)
        } catch {
            logger.warning("Kafka producer closed with messages unacknowledged", metadata: ["error": "\(error)"])
        }
        let poller = self.poller
        await executor.run { poller.stop() }  // waits up to one poll interval: not on the cooperative pool
        deliveries.failAll(KafkaError.client("the producer closed before the broker acknowledged the message", retriable: true))
    }
}

/// The batches waiting for delivery reports, by message id (each batch owns a run of ids).
final class PendingDeliveries: Sendable {
    private let waiting = Mutex<[UInt: (waiter: DeliveryWaiter, index: Int)]>([:])

    func register(_ firstID: UInt, count: Int, waiter: DeliveryWaiter) {
        waiting.withLock { waiting in
            for index in 0..<count { waiting[firstID + UInt(index)] = (waiter, index) }
        }
    }

    /// Called from the delivery-report callback on the poll thread, or for a message librdkafka refused.
    func complete(_ id: UInt, with result: Result<DeliveryReport, KafkaError>) {
        guard let entry = waiting.withLock({ $0.removeValue(forKey: id) }) else { return }
        entry.waiter.complete(entry.index, with: result)
    }

    func failAll(_ error: KafkaError) {
        let all = waiting.withLock { waiting in
            defer { waiting.removeAll() }
            return Array(waiting.values)
        }
        for entry in all { entry.waiter.complete(entry.index, with: .failure(error)) }
    }
}

/// Collects the outcomes of one batch and resumes its sender once all are in.
final class DeliveryWaiter: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var remaining: Int
        var continuation: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }
    private let state: Mutex<State>
    private let started = ContinuousClock.now

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count, continuation: nil))
    }

    func complete(_ index: Int, with result: Result<DeliveryReport, KafkaError>) {
        if case .success = result { KafkaMetrics.deliveryLatency.record(started.duration(to: .now)) }
        let finished = state.withLock { state -> (CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>, [Result<DeliveryReport, KafkaError>])? in
            guard case .none = state.results[index] else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.results.map { $0! })
        }
        if let (continuation, results) = finished { continuation.resume(returning: results) }
    }

    func failRemaining(_ error: KafkaError) {
        let open = state.withLock { state in state.results.indices.filter { if case .none = state.results[$0] { true } else { false } } }
        for index in open { complete(index, with: .failure(error)) }
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
