import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Asks GOV.UK Notify what became of the text messages and letters it took in the last week: `delivered` (a text),
/// `posted` (a letter Notify printed and sent), or a failure, which then goes the way of any failure (the next
/// channel, or the school's digest). Each new status goes to the message's status path and, for a case, to
/// pathway-coordinator: a legal letter's posting is evidence.
struct ReceiptPoller: Service {
    let postgres: PostgresClient
    let notify: NotifyClient
    let interval: Duration
    let clock: any ServiceClock
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await pollOnce() } catch {
                logger.warning("delivery receipts not read; trying again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Notify's status names, and what each becomes here (nil: not final yet).
    static func outcome(_ notifyStatus: String) -> (status: String, failed: Bool)? {
        switch notifyStatus {
        case "delivered": ("delivered", false)
        case "received": ("posted", false)
        case "permanent-failure", "temporary-failure", "technical-failure", "validation-failed", "virus-scan-failed", "cancelled":
            ("failed", true)
        default: nil
        }
    }

    /// One round over the least recently checked messages; one Notify answer that fails does not stop the others.
    func pollOnce() async throws {
        let waiting = try await postgres.withConnection { connection in
            try await MessageStore.awaitingReceipt(since: clock.now().addingTimeInterval(-7 * 86_400), limit: 200, on: connection, logger: logger)
        }
        for (message, reference) in waiting {
            let reported: String
            do { reported = try await notify.status(id: reference) } catch {
                logger.warning("a delivery receipt was not read", metadata: ["message": "\(message.id)", "error": "\(error)"])
                continue
            }
            let now = clock.now()
            try await postgres.query("UPDATE messages SET receipt_checked_at = \(now) WHERE id = \(message.id)", logger: logger)
            guard let outcome = Self.outcome(reported) else { continue }
            try await postgres.withTransaction(logger: logger) { connection in
                // Still `sent` (another instance may have read the same receipt): locked until this one is recorded.
                var stillSent = false
                for try await _ in try await connection.query("SELECT 1 FROM messages WHERE id = \(message.id) AND status = 'sent' FOR UPDATE",
                                                              logger: logger).decode(Int.self) { stillSent = true }
                guard stillSent else { return }
                if outcome.failed {
                    try await Fallback.failedForGood(message, status: "failed", reason: "GOV.UK Notify reported \(reported)", now: now, on: connection, logger: logger)
                } else {
                    try await MessageStore.setStatus(message.id, to: outcome.status, detail: "GOV.UK Notify reported \(reported)", at: now,
                                                     on: connection, logger: logger)
                }
            }
            Counter(label: "notification_receipts_total", dimensions: [("channel", message.channel.rawValue), ("status", outcome.status)]).increment()
        }
    }
}
