import Crypto
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Sends what is due. Each message is claimed under a lease (`sending`, with a token), handed to its provider outside
/// any transaction, and marked `sent` only once the provider has it, and only while the claim still stands. A crash
/// (or a lost database) in between leaves it `sending`: when the lease runs out it is claimed again as interrupted, and
/// Notify is asked for it by reference before anything else is decided; SMTP cannot be asked, so the email goes again
/// with the same Message-ID and is counted.
struct Dispatcher: Service {
    let postgres: PostgresClient
    let settings: NotificationSettings
    let templates: TemplateCatalogue
    let delivery: Delivery
    let clock: any ServiceClock
    let logger: Logger

    var window: SendWindow { SendWindow(settings: settings) }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await dispatchDue()
            } catch {
                logger.error("dispatch round failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pollInterval) }
        }
    }

    /// One round: the schools' digests when their time has come, then every due message, each on its own.
    func dispatchDue() async throws {
        let composed = try await postgres.withTransaction(logger: logger) { connection in
            try await SchoolDigest.compose(window: window, now: clock.now(), on: connection, logger: logger)
        }
        if composed > 0 { logger.info("school digests composed", metadata: ["schools": "\(composed)"]) }
        while !Task.isShuttingDownGracefully {
            let claimed = try await postgres.withTransaction(logger: logger) { connection in
                try await MessageStore.claim(now: clock.now(), lease: settings.sendLease, limit: 20, on: connection, logger: logger)
            }
            if claimed.isEmpty { return }
            for message in claimed {
                do { try await dispatch(message) } catch {
                    // Left `sending`: its lease runs out and it is taken again as interrupted.
                    logger.error("message not settled; it is taken again when its claim runs out",
                                 metadata: ["message": "\(message.id)", "error": "\(String(reflecting: error))"])
                }
            }
        }
    }

    func dispatch(_ message: StoredMessage) async throws {
        // An interrupted text or letter may already be with Notify: ask before any rule can cancel or hold it.
        let earlier: Delivery.Receipt?
        do { earlier = try await delivery.sentEarlier(message) } catch {
            try await failed(message, error: error, now: clock.now())
            return
        }
        if let earlier {
            try await settle(message, receipt: earlier, to: nil)
            return
        }
        let now = clock.now()
        let prepared: (Recipient, RenderedMessage)
        do {
            prepared = try await postgres.withConnection { connection in try await prepare(message, now: now, on: connection) }
        } catch let held as Held {
            try await postgres.withTransaction(logger: logger) { connection in
                switch held {
                case .until(let due, let reason):
                    try await MessageStore.retry(message.id, after: due.timeIntervalSince(now), now: now, reason: reason, attemptSpent: false,
                                                 lease: message.leaseToken, on: connection, logger: logger)
                case .final(let status, let detail, let digest):
                    try await MessageStore.setStatus(message.id, to: status, detail: detail, at: now, lease: message.leaseToken, on: connection, logger: logger)
                    if let digest { try await SchoolDigest.add(school: message.schoolUrn, upn: message.upn, summary: digest, at: now, on: connection, logger: logger) }
                }
            }
            count(message, held.status)
            return
        } catch let error as TemplateError {
            try await failed(message, error: error, now: now)
            return
        }
        let (recipient, rendered) = prepared
        let receipt: Delivery.Receipt
        do {
            receipt = try await delivery.send(message, to: recipient, rendered, logger: logger)
        } catch {
            try await failed(message, error: error, now: clock.now())
            return
        }
        // The provider has it. A failure from here on leaves the message `sending`, never "failed".
        try await settle(message, receipt: receipt, to: recipient)
    }

    private func settle(_ message: StoredMessage, receipt: Delivery.Receipt, to recipient: Recipient?) async throws {
        try await postgres.withTransaction(logger: logger) { connection in
            try await MessageStore.setStatus(message.id, to: "sent", detail: receipt.foundEarlier ? "found at the provider after an interrupted attempt" : nil,
                                             at: clock.now(), providerReference: receipt.providerReference, lease: message.leaseToken,
                                             on: connection, logger: logger)
        }
        count(message, "sent")
        logger.info("message sent", metadata: ["message": "\(message.id)", "template": "\(message.templateKey)", "channel": "\(message.channel.rawValue)",
                                               "to": "\(recipient?.address.masked ?? "as before")"])
    }

    /// Why a claimed message does not go now: later (quiet hours), or never (a final status).
    enum Held: Error {
        case until(Date, reason: String)
        case final(status: String, detail: String, digest: String?)

        var status: String {
            switch self {
            case .until: "held_quiet_hours"
            case .final(let status, _, _): status
            }
        }
    }

    /// The checks at send time, the recipient's address, and the rendered text (recorded for the audit).
    private func prepare(_ message: StoredMessage, now: Date, on connection: PostgresConnection) async throws -> (Recipient, RenderedMessage) {
        let family = ["parent", "carer"].contains(message.audience)
        if let stale = message.staleAt, now >= stale {
            throw Held.final(status: "cancelled_stale", detail: "not sent by \(SendWindow.clock(settings.firstDayLastAt)): in the school's digest",
                             digest: "\(message.upn): unexplained absence \(message.fields["session"] ?? message.sessionDate ?? ""); the family was not messaged (too late in the day)")
        }
        // Families are written to in the day on school days (a letter is posted whenever it is printed).
        if family && message.channel != .letter, let later = window.outOfQuietHours(now) {
            throw Held.until(later, reason: "quiet hours")
        }
        let recipient: Recipient
        do {
            recipient = try await Recipient.resolve(message, settings: settings, on: connection, logger: logger)
        } catch let unreachable as Recipient.Unreachable {
            throw Held.final(status: unreachable.status, detail: unreachable.detail,
                             digest: family && unreachable.status == "failed" ? "\(message.upn): \(message.templateKey) could not be sent (\(unreachable.detail)): please update the contact" : nil)
        }
        let values = try await Recipient.values(message, recipient: recipient, on: connection, logger: logger)
        let rendered = try templates.render(message.templateKey, language: recipient.language, values: values, statutory: message.statutory)
        let body = message.channel == .sms ? rendered.sms : rendered.text
        let digest = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        try await MessageStore.rendered(message.id, version: rendered.version, language: rendered.language, maskedAddress: recipient.address.masked,
                                        bodySHA256: digest, legalBody: message.statutory ? rendered.englishParagraphs.joined(separator: "\n\n") : nil,
                                        on: connection, logger: logger)
        return (recipient, rendered)
    }

    /// A temporary failure goes back to the queue with back-off for `NOTIFY_RETRY_HOURS`; a permanent one (or one that
    /// has gone on too long) fails, and a statutory or first-day message then tries the next channel.
    private func failed(_ message: StoredMessage, error: any Error, now: Date) async throws {
        let permanent = (error as? NotifyError)?.isPermanent ?? (error as? SMTPError)?.isPermanent ?? (error is TemplateError)
        let reason = "\(error)"
        if error is Delivery.NotConfigured {
            logger.error("a message cannot be sent: its channel has no provider", metadata: ["channel": "\(message.channel.rawValue)", "error": "\(reason)"])
        }
        try await postgres.withTransaction(logger: logger) { connection in
            if !permanent && now.timeIntervalSince(message.createdAt) < settings.retryWindow {
                let backOff = min(3600, 30 * pow(2, Double(max(0, message.attempts - 1))))
                try await MessageStore.retry(message.id, after: backOff, now: now, reason: reason, attemptSpent: true, lease: message.leaseToken,
                                             on: connection, logger: logger)
                return
            }
            try await MessageStore.hold(message.id, lease: message.leaseToken ?? UUID(), on: connection, logger: logger)
            try await Fallback.failedForGood(message, status: "failed", reason: reason, now: now, on: connection, logger: logger)
        }
        count(message, permanent ? "failed" : "retry")
        logger.warning("message not sent", metadata: ["message": "\(message.id)", "channel": "\(message.channel.rawValue)", "permanent": "\(permanent)", "error": "\(reason)"])
    }

    private func count(_ message: StoredMessage, _ outcome: String) {
        Counter(label: "notification_messages_total", dimensions: [("channel", message.channel.rawValue), ("kind", message.kind.rawValue), ("outcome", outcome)]).increment()
    }
}
