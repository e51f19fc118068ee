import Events
import Foundation
import Logging
import Messaging

/// Reads `attendance.signals` from its end as it stands at the start and notes when each signal arrived:
/// the benchmarks time a signal from the moment its register went in to its arrival here (the signal's
/// publication plus this reader's own fetch delay, so an upper bound).
public final class SignalWatch: @unchecked Sendable {
    private let reader: KafkaConsumer
    private let lock = NSLock()
    private var received: [(signal: AttendanceSignal, at: ContinuousClock.Instant)] = []
    private var stopped = false

    public init(bootstrapServers: String, clientID: String, logger: Logger) async throws {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: bootstrapServers, clientID: clientID),
            groupID: "\(clientID)-\(UUID())", topics: [TopicCatalogue.attendanceSignals.name])
        configuration.startFrom = "latest"
        configuration.statisticsInterval = nil
        reader = try KafkaConsumer(configuration: configuration, logger: logger)
        while reader.assignment.isEmpty { _ = try await reader.nextBatch() }
        _ = try await reader.nextBatch()  // fetch positions settle at the end of each partition
    }

    public var count: Int { lock.withLock { received.count } }

    /// The signals read so far and when each arrived.
    public var arrivals: [(signal: AttendanceSignal, at: ContinuousClock.Instant)] { lock.withLock { received } }

    /// Reads until ``stop()``, then leaves the group.
    public func run() async throws {
        while !lock.withLock({ stopped }) {
            let batch = try await reader.nextBatch()
            let now = ContinuousClock.now
            let signals = batch.messages.compactMap { try? EventCodec.decode(AttendanceSignal.self, from: $0.value).data }
            lock.withLock { received += signals.map { ($0, now) } }
        }
        await reader.close()
    }

    public func stop() { lock.withLock { stopped = true } }
}
