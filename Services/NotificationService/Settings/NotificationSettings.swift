import Foundation
import ServiceRuntime

/// The LA's notification settings (shared/PATHWAY.md §4, the values it marks [LA]) and the providers' addresses.
struct NotificationSettings: Sendable {
    /// A time of day in the LA's time zone, in minutes after midnight.
    typealias Minutes = Int

    /// `NOTIFY_FIRST_DAY_AM_AT` (09:30): a morning first-day message waits until then, so parents' calls are coded first.
    var firstDayMorningAt: Minutes = 9 * 60 + 30
    /// `NOTIFY_FIRST_DAY_PM_AT` (14:00): the same for an afternoon spell.
    var firstDayAfternoonAt: Minutes = 14 * 60
    /// `NOTIFY_FIRST_DAY_LAST_AT` (18:00): a first-day message not sent by then is not sent; it goes into the school's digest.
    var firstDayLastAt: Minutes = 18 * 60
    /// `NOTIFY_QUIET_FROM` / `NOTIFY_QUIET_UNTIL` (19:00 / 08:00): no family message in between.
    var quietFrom: Minutes = 19 * 60
    var quietUntil: Minutes = 8 * 60
    /// `NOTIFY_SUPPORT_BATCH_AT` (16:00): support letters go in one daily batch.
    var supportBatchAt: Minutes = 16 * 60
    /// `NOTIFY_DIGEST_AT` (07:30): schools' morning digest.
    var digestAt: Minutes = 7 * 60 + 30
    /// `NOTIFY_TIME_ZONE`: the LA's clock.
    var timeZone = TimeZone(identifier: "Europe/London")!
    /// `NOTIFY_VIRTUAL_SCHOOL_EMAIL`: the virtual school head's mailbox (children looked after).
    var virtualSchoolEmail: String?
    /// `NOTIFY_FROM_ADDRESS`, `NOTIFY_FROM_NAME`: the sender of every email.
    var fromAddress = "attendance@la.example"
    var fromName = "Attendance Service"
    /// `NOTIFY_SEND_LEASE_SECONDS` (300): a send still marked `sending` after this long was interrupted: it is checked
    /// with the provider (Notify) or sent again and counted as a possible duplicate (SMTP).
    var sendLease: TimeInterval = 300
    /// `NOTIFY_RETRY_HOURS` (24): temporary failures are retried with back-off for this long, then the next channel.
    var retryWindow: TimeInterval = 24 * 3600
    /// `NOTIFY_POLL_MILLISECONDS` (1000): how often the dispatcher looks for due messages.
    var pollInterval: Duration = .seconds(1)

    /// `NOTIFY_RECEIPT_POLL_SECONDS` (300): how often Notify is asked what became of the last week's texts and letters.
    var receiptPollInterval: Duration = .seconds(300)

    /// `NOTIFY_PDF_RENDERER` (`/usr/bin/chromium`): the headless Chromium that prints letters; letters wait while it is missing.
    var pdfRenderer = "/usr/bin/chromium"

    var smtp: SMTPSettings?
    var notify: NotifySettings?
    /// `NOTIFY_CLOCK_FILE`: for tests and the demo's compressed term only. The service's "now" is read from this file (ISO 8601) instead of the system clock.
    var clockFile: String?

    init() {}

    init(environment env: EnvironmentReader) throws(ConfigurationError) {
        firstDayMorningAt = try env.timeOfDay("NOTIFY_FIRST_DAY_AM_AT", default: firstDayMorningAt)
        firstDayAfternoonAt = try env.timeOfDay("NOTIFY_FIRST_DAY_PM_AT", default: firstDayAfternoonAt)
        firstDayLastAt = try env.timeOfDay("NOTIFY_FIRST_DAY_LAST_AT", default: firstDayLastAt)
        quietFrom = try env.timeOfDay("NOTIFY_QUIET_FROM", default: quietFrom)
        quietUntil = try env.timeOfDay("NOTIFY_QUIET_UNTIL", default: quietUntil)
        supportBatchAt = try env.timeOfDay("NOTIFY_SUPPORT_BATCH_AT", default: supportBatchAt)
        digestAt = try env.timeOfDay("NOTIFY_DIGEST_AT", default: digestAt)
        let zone = env.string("NOTIFY_TIME_ZONE", default: "Europe/London")
        guard let parsed = TimeZone(identifier: zone) else {
            throw ConfigurationError(variable: "NOTIFY_TIME_ZONE", problem: .malformed(shownValue: zone), expected: "an IANA time zone such as Europe/London")
        }
        timeZone = parsed
        virtualSchoolEmail = env.values["NOTIFY_VIRTUAL_SCHOOL_EMAIL"].flatMap { $0.isEmpty ? nil : $0 }
        fromAddress = env.string("NOTIFY_FROM_ADDRESS", default: fromAddress)
        fromName = env.string("NOTIFY_FROM_NAME", default: fromName)
        sendLease = TimeInterval(try env.int("NOTIFY_SEND_LEASE_SECONDS", default: 300, range: 1...86_400, expected: "seconds from 1 to 86400"))
        retryWindow = TimeInterval(try env.int("NOTIFY_RETRY_HOURS", default: 24, range: 1...72, expected: "hours from 1 to 72")) * 3600
        pollInterval = .milliseconds(try env.int("NOTIFY_POLL_MILLISECONDS", default: 1000, range: 50...60_000, expected: "milliseconds from 50 to 60000"))
        receiptPollInterval = .seconds(try env.int("NOTIFY_RECEIPT_POLL_SECONDS", default: 300, range: 1...86_400, expected: "seconds from 1 to 86400"))
        pdfRenderer = env.string("NOTIFY_PDF_RENDERER", default: pdfRenderer)
        smtp = try SMTPSettings(environment: env)
        notify = try NotifySettings(environment: env)
        clockFile = env.values["NOTIFY_CLOCK_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// `SMTP_HOST`, `SMTP_PORT` (587), `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_CA_FILE` (a CA to trust besides the
/// system's, for an LA's own relay). STARTTLS is required: the client never sends a message or a password in clear.
struct SMTPSettings: Sendable {
    var host: String
    var port: Int
    var username: String?
    var password: String?
    var caFile: String?
    /// The name the client gives in EHLO and the right-hand side of its Message-IDs.
    var heloName: String

    init?(environment env: EnvironmentReader) throws(ConfigurationError) {
        guard let host = env.values["SMTP_HOST"], !host.isEmpty else { return nil }
        self.host = host
        port = try env.port("SMTP_PORT", default: 587)
        username = env.values["SMTP_USERNAME"]
        password = env.values["SMTP_PASSWORD"]
        caFile = env.values["SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        heloName = env.string("SMTP_HELO_NAME", default: "notification.la.example")
        if (username == nil) != (password == nil) {
            throw ConfigurationError(variable: username == nil ? "SMTP_USERNAME" : "SMTP_PASSWORD", problem: .missing, expected: "both SMTP_USERNAME and SMTP_PASSWORD, or neither")
        }
    }
}

/// `NOTIFY_API_URL` (https://api.notifications.service.gov.uk), `NOTIFY_API_KEY` (`name-<service id>-<secret>`, as Notify
/// issues it) and `NOTIFY_SMS_TEMPLATE_ID`: the Notify text template holding one `((body))` placeholder.
struct NotifySettings: Sendable {
    var baseURL: String
    var serviceID: String
    var secret: String
    var smsTemplateID: String

    init?(environment env: EnvironmentReader) throws(ConfigurationError) {
        guard let key = env.values["NOTIFY_API_KEY"], !key.isEmpty else { return nil }
        guard key.count >= 74 else {
            throw ConfigurationError(variable: "NOTIFY_API_KEY", problem: .malformed(shownValue: nil), expected: "a GOV.UK Notify API key: name-<service id>-<secret>")
        }
        secret = String(key.suffix(36))
        serviceID = String(key.dropLast(37).suffix(36))
        baseURL = env.string("NOTIFY_API_URL", default: "https://api.notifications.service.gov.uk")
        smsTemplateID = try env.string("NOTIFY_SMS_TEMPLATE_ID", expected: "the id of the Notify text template with one ((body)) placeholder")
    }
}
