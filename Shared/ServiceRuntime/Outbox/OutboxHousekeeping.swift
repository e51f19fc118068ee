import Foundation
import Logging
import Metrics
import PostgresNIO
import Storage
import Synchronization

/// The relay leader's periodic chores: the outbox gauges, and deleting what is past the retention.
final class OutboxHousekeeping: Sendable {
    private let settings: OutboxRelay.Settings
    private let metrics: OutboxMetrics
    private let due = Mutex((gauges: ContinuousClock.now, cleanup: ContinuousClock.now))

    init(settings: OutboxRelay.Settings, metrics: OutboxMetrics) {
        self.settings = settings
        self.metrics = metrics
    }

    /// Runs the chores that are due, on the leader's connection.
    func runIfDue(on connection: PostgresConnection, logger: Logger) async throws {
        let now = ContinuousClock.now
        let (gauges, cleanup) = due.withLock { due -> (Bool, Bool) in
            let chores = (now >= due.gauges, now >= due.cleanup)
            if chores.0 { due.gauges = now.advanced(by: settings.gaugeInterval) }
            if chores.1 { due.cleanup = now.advanced(by: settings.cleanupInterval) }
            return chores
        }
        if cleanup {
            let retention = Double(settings.retention.components.seconds) + Double(settings.retention.components.attoseconds) / 1e18
            let cutoff = Date().addingTimeInterval(-retention)
            let outbox = try await Outbox.deletePublished(before: cutoff, on: connection, logger: logger)
            let inbox = try await ProcessedEvents.delete(processedBefore: cutoff, on: connection, logger: logger)
            if outbox + inbox > 0 {
                logger.info("deleted rows past the retention", metadata: ["outbox": "\(outbox)", "inbox": "\(inbox)"])
            }
        }
        if gauges {
            let backlog = try await Outbox.backlog(on: connection, logger: logger)
            metrics.pending.record(backlog.pending)
            metrics.oldestAge.record(backlog.oldestAgeSeconds)
            metrics.parkedRows.record(backlog.parked)
        }
    }
}

/// The relay's counters and gauges.
struct OutboxMetrics: Sendable {
    let published = Counter(label: "outbox_published_total")
    let failed = Counter(label: "outbox_publish_failures_total")
    let parked = Counter(label: "outbox_parked_total")
    let pending = Gauge(label: "outbox_pending_rows")
    let oldestAge = Gauge(label: "outbox_oldest_pending_age_seconds")
    let parkedRows = Gauge(label: "outbox_parked_rows")
    /// 1 while this process's relay is the schema's publisher.
    let leader = Gauge(label: "outbox_relay_leader")
}
