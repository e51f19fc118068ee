import Foundation
import Logging
import Messaging
import Metrics
import PostgresNIO
import Storage

extension OutboxRelay {
    /// One round inside the leader's transaction: claim, send, mark published, failed or parked.
    func round(on connection: PostgresConnection) async throws -> (published: Int, failed: Int) {
        let (producer, logger, settings) = (self.producer, self.logger, self.settings)
        let outcome = try await { () async throws -> RoundOutcome in
            let claimed = try await Outbox.claim(limit: settings.batchSize, on: connection, logger: logger)
            guard !claimed.isEmpty else { return RoundOutcome() }
            // A row over the broker's size limit is refused before anything is sent, and the later rows of its
            // key stay for a later round: sent now, they would overtake it.
            var (rows, oversized, heldKeys) = ([PendingOutboxMessage](), [Int64](), Set<String>())
            for row in claimed {
                let key = row.message.topic + "\u{0}" + row.message.key
                if heldKeys.contains(key) { continue }
                if row.message.payload.readableBytes + row.message.key.utf8.count > settings.maxMessageBytes {
                    oversized.append(row.sequence)
                    heldKeys.insert(key)
                } else {
                    rows.append(row)
                }
            }
            let results = rows.isEmpty ? [] : try await producer.send(rows.map(Self.outgoing))
            var outcome = RoundOutcome()
            var ownFault = oversized, unreachable: [Int64] = []
            if !oversized.isEmpty { outcome.reason = "message larger than \(settings.maxMessageBytes) bytes, the broker's limit" }
            for (row, result) in zip(rows, results) {
                switch result {
                case .success:
                    outcome.acknowledged.append(row.sequence)
                case .failure(let error):
                    if error.isFatal { throw error }
                    outcome.reason = outcome.reason ?? error.reason
                    // The broker's own trouble is not the row's: only the row's own refusals count toward parking.
                    if error.isRetriable { unreachable.append(row.sequence) } else { ownFault.append(row.sequence) }
                }
            }
            try await Outbox.markPublished(outcome.acknowledged, on: connection, logger: logger)
            try await Outbox.markFailed(unreachable, reason: outcome.reason ?? "", counting: false, on: connection, logger: logger)
            try await Outbox.markFailed(ownFault, reason: outcome.reason ?? "", on: connection, logger: logger)
            outcome.parked = try await Outbox.park(reaching: settings.maxAttempts, among: ownFault, on: connection, logger: logger)
            outcome.failed = unreachable.count + ownFault.count
            return outcome
        }()
        if !outcome.acknowledged.isEmpty { metrics.published.increment(by: outcome.acknowledged.count) }
        if outcome.failed > 0 {
            metrics.failed.increment(by: outcome.failed)
            logger.warning("outbox messages not acknowledged; will retry", metadata: ["count": "\(outcome.failed)", "reason": "\(outcome.reason ?? "")"])
        }
        for (eventID, topic) in outcome.parked {
            metrics.parked.increment()
            // The event id and topic only: the payload is personal data.
            logger.error("outbox message parked after repeated refusals; later messages of its key wait behind it", metadata: [
                "event.id": "\(eventID)", "kafka.topic": "\(topic)", "attempts": "\(settings.maxAttempts)", "reason": "\(outcome.reason ?? "")"])
        }
        return (outcome.acknowledged.count, outcome.failed)
    }

    private static func outgoing(_ row: PendingOutboxMessage) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(
            topic: row.message.topic, key: Array(row.message.key.utf8), value: Array(buffer: row.message.payload),
            headers: [KafkaHeader(name: eventIDHeader, string: row.message.eventID.uuidString.lowercased())]
                + row.message.headers.map { KafkaHeader(name: $0.name, string: $0.value) })
    }
}

private struct RoundOutcome: Sendable {
    var acknowledged: [Int64] = []
    var failed = 0
    var reason: String?
    var parked: [(eventID: UUID, topic: String)] = []
}
