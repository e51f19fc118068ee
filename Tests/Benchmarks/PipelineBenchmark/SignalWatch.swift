import Events
import Foundation
import Logging
import Messaging

/// Reads `attendance.signals` from its end as it stands at the start and notes when each signal arrived,
/// keyed by the register it came from: its school and the session it is about ("100700 2026-04-13 AM").
final class SignalWatch: @unchecked Sendable {
    private let reader: KafkaConsumer
    private let lock = NSLock()
    private var arrivals: [(register: String, at: ContinuousClock.Instant)] = []
    private var stopped = false

    init(bootstrapServers: String, logger: Logger) async throws {
        var configuration = KafkaConsumerConfiguration(
            client: KafkaConfiguration(bootstrapServers: bootstrapServers, clientID: "pipeline-benchmark"),
            groupID: "pipeline-benchmark-\(UUID())", topics: [TopicCatalogue.attendanceSignals.name])
        configuration.startFrom = "latest"
        configuration.statisticsInterval = nil
        reader = try KafkaConsumer(configuration: configuration, logger: logger)
        while reader.assignment.isEmpty { _ = try await reader.nextBatch() }
        _ = try await reader.nextBatch()  // fetch positions settle at the end of each partition
    }

    var count: Int { lock.withLock { arrivals.count } }

    /// Reads until ``stop()``.
    func run() async throws {
        while !lock.withLock({ stopped }) {
            let batch = try await reader.nextBatch()
            let now = ContinuousClock.now
            var seen: [(String, ContinuousClock.Instant)] = []
            for message in batch.messages {
                guard let signal = try? EventCodec.decode(AttendanceSignal.self, from: message.value).data else { continue }
                seen.append(("\(signal.schoolUrn) \(signal.asOf)", now))
            }
            lock.withLock { arrivals += seen }
        }
        await reader.close()
    }

    func stop() { lock.withLock { stopped = true } }

    var all: [(register: String, at: ContinuousClock.Instant)] { lock.withLock { arrivals } }
}
