import Events
import Logging
import Messaging
import PostgresNIO
import Storage

/// Waits until the detector has committed everything on `attendance.marks` up to now: sends a marker
/// (an event type the detector ignores) to every partition, then polls the offsets the detector stores
/// in PostgreSQL with its state until they pass the markers.
public struct Barrier: Sendable {
    let producer: KafkaProducer
    let postgres: PostgresClient
    let group: String
    let logger: Logger

    /// `postgres` reaches the detector's schema; `group` is its consumer group.
    public init(producer: KafkaProducer, postgres: PostgresClient, group: String, logger: Logger) {
        self.producer = producer
        self.postgres = postgres
        self.group = group
        self.logger = logger
    }

    /// A well-formed envelope of a type the detector ignores.
    static let marker = Array(#"""
        {"type":"benchmark.barrier","id":"00000000-0000-0000-0000-000000000000","schemaVersion":1,"source":"detector-benchmark",
         "time":"2026-01-01T00:00:00Z","key":"barrier","data":{"schoolUrn":"000000","date":"2026-01-01","session":"AM"}}
        """#.utf8)

    public func pass() async throws {
        let partitions = TopicCatalogue.attendanceMarks.partitions
        var markers: [Int32: Int64] = [:]
        var key = 0
        while markers.count < partitions {
            let batch = (key..<key + 64).map { index in
                KafkaOutgoingMessage(topic: TopicCatalogue.attendanceMarks.name, key: "barrier-\(index)",
                                     value: Self.marker)
            }
            key += 64
            for result in try await producer.send(batch) {
                let report = try result.get()
                markers[report.partition] = max(markers[report.partition] ?? 0, report.offset)
            }
        }
        while true {
            let stored = (try? await postgres.withConnection { connection in
                try await ConsumerOffsets.load(group: group, topic: TopicCatalogue.attendanceMarks.name, on: connection, logger: logger)
            }) ?? [:]
            if markers.allSatisfy({ (stored[$0.key] ?? 0) > $0.value }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Barrier {
    /// Waits until the detector's relay has published every queued signal.
    public func drainOutbox() async throws {
        try await Self.drainOutbox(postgres, logger: logger)
    }

    /// Waits until a service's relay has published everything in the outbox of `postgres`'s schema.
    public static func drainOutbox(_ postgres: PostgresClient, logger: Logger) async throws {
        while true {
            let pending = try await postgres.withConnection { connection in try await Outbox.pendingCount(on: connection, logger: logger) }
            if pending == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
