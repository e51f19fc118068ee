import Foundation
import Logging
import Metrics

/// Hands a rendered message to its provider: GOV.UK Notify for text messages and letters, the LA's SMTP relay for email.
struct Delivery: Sendable {
    let settings: NotificationSettings
    let smtp: SMTPClient?
    let notify: NotifyClient?
    let letters: LetterRenderer?
    let clock: any ServiceClock

    /// A channel with no provider configured: the message stays queued and the operator is told in the log.
    struct NotConfigured: Error, CustomStringConvertible {
        var channel: Channel
        var description: String {
            switch channel {
            case .email: "no SMTP relay is configured (SMTP_HOST)"
            case .sms: "GOV.UK Notify is not configured (NOTIFY_API_KEY)"
            case .letter: "letters need GOV.UK Notify (NOTIFY_API_KEY) and Chromium to print them (NOTIFY_PDF_RENDERER)"
            }
        }
    }

    /// What the provider said: its reference, and whether an interrupted earlier attempt turned out to have gone.
    struct Receipt: Sendable {
        var providerReference: String
        var foundEarlier: Bool
    }

    /// For a text or letter an earlier attempt may have handed over (interrupted, or retried after a lost answer):
    /// Notify's id for it when Notify has it under our reference. Asked before anything else is decided about the message.
    func sentEarlier(_ message: StoredMessage) async throws -> Receipt? {
        guard message.channel != .email, message.interrupted || message.attempts > 1, let notify else { return nil }
        return try await notify.lookUp(reference: message.idempotencyKey).map { Receipt(providerReference: $0.id, foundEarlier: true) }
    }

    func send(_ message: StoredMessage, to recipient: Recipient, _ rendered: RenderedMessage, logger: Logger) async throws -> Receipt {
        switch recipient.address {
        case .phone(let number):
            guard let notify else { throw NotConfigured(channel: .sms) }
            return Receipt(providerReference: try await notify.sendSMS(to: number, body: rendered.sms, reference: message.idempotencyKey), foundEarlier: false)
        case .post(let name, let lines):
            guard let notify, let letters else { throw NotConfigured(channel: .letter) }
            let html = LetterRenderer.html(address: [name] + lines, date: SendWindow(settings: settings).longDate(clock.now()),
                                           subject: message.statutory ? rendered.englishSubject : rendered.subject,
                                           body: rendered.bodyHTML, language: rendered.language, rightToLeft: rendered.rightToLeft)
            let pdf = try await letters.pdf(html, logger: logger)
            return Receipt(providerReference: try await notify.sendLetter(pdf: pdf, reference: message.idempotencyKey), foundEarlier: false)
        case .email(let address):
            guard let smtp else { throw NotConfigured(channel: .email) }
            if message.interrupted {
                // SMTP cannot be asked whether the message arrived: send it again, with the same Message-ID, and count it.
                Counter(label: "notification_possible_duplicates_total", dimensions: [("channel", "email")]).increment()
                logger.warning("an interrupted email is sent again: the recipient may get it twice", metadata: ["message": "\(message.id)"])
            }
            let mime = MIMEMessage(fromName: settings.fromName, fromAddress: settings.fromAddress, to: address, subject: rendered.subject,
                                   language: rendered.language, text: rendered.text, html: rendered.html,
                                   calendar: message.fields["ics"].map { ($0, message.fields["method"] ?? "REQUEST") },
                                   messageID: "<\(message.idempotencyKey)@\(smtp.settings.heloName)>", date: clock.now())
            let answer = try await smtp.send(mime.rendered(), from: settings.fromAddress, to: address)
            return Receipt(providerReference: String(answer.prefix(200)), foundEarlier: false)
        }
    }
}
