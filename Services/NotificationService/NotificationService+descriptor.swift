import Events
import Foundation
import Hummingbird
import Messaging
import PostgresNIO
import ServiceRuntime
import ServiceLifecycle
import Storage

extension NotificationService {
    /// notification owns the PostgreSQL schema `notification`; its HTTP port defaults to 8084.
    ///
    /// Its own variables: `NOTIFICATION_CONSUMER_GROUP` (default `notification`) and ``NotificationSettings``
    /// (times, the providers: `SMTP_*` for email, `NOTIFY_*` for GOV.UK Notify's text messages and letters).
    static let descriptor = ServiceDescriptor(
        name: "notification",
        schema: "notification",
        defaultHTTPPort: 8084,
        migrations: Migrations.all,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD", "SMTP_PASSWORD", "NOTIFY_API_KEY"])
            let settings = try NotificationSettings(environment: env)
            let clock: any ServiceClock = settings.clockFile.map { FileClock(path: $0) } ?? SystemClock()
            let templates = try TemplateCatalogue()
            let group = env.string("NOTIFICATION_CONSUMER_GROUP", default: "notification")
            let (producer, relay) = try context.outboxPublisher()
            let kafka = context.configuration.kafka
            // Contacts first in their own consumer: a roster and a signal about the same pupil arrive on different topics.
            let contacts = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: kafka, groupID: "\(group)-contacts",
                                                          topics: [TopicCatalogue.pupilContacts.name, TopicCatalogue.pupilProfiles.name]),
                settings: .init(name: "\(group)-contacts"), postgres: context.postgres, handler: ContactsHandler(), logger: context.logger)
            let planner = MessagePlanner(settings: settings)
            let inputs = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: kafka, groupID: group,
                                                          topics: [TopicCatalogue.attendanceSignals.name, TopicCatalogue.notificationRequests.name]),
                settings: .init(name: group), postgres: context.postgres, handler: InputsHandler(planner: planner, templates: templates, clock: clock),
                logger: context.logger, committed: { relay.wake() })
            let notify = settings.notify.map { NotifyClient(settings: $0) }
            let printer = FileManager.default.isExecutableFile(atPath: settings.pdfRenderer) ? LetterRenderer(chromium: settings.pdfRenderer) : nil
            if printer == nil { context.logger.warning("NOTIFY_PDF_RENDERER (\(settings.pdfRenderer)) is not an executable: letters stay queued until it is") }
            let delivery = Delivery(settings: settings, smtp: try settings.smtp.map { try SMTPClient(settings: $0) }, notify: notify, letters: printer, clock: clock)
            if settings.smtp == nil { context.logger.warning("SMTP_HOST is not set: emails stay queued until it is") }
            if settings.notify == nil { context.logger.warning("NOTIFY_API_KEY is not set: text messages and letters stay queued until it is") }
            let dispatcher = Dispatcher(postgres: context.postgres, settings: settings, templates: templates, delivery: delivery, clock: clock, logger: context.logger)
            let routes = MessageRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let receipts: [any Service] = notify.map {
                [ReceiptPoller(postgres: context.postgres, notify: $0, interval: settings.receiptPollInterval, clock: clock, logger: context.logger)]
            } ?? []
            return ServiceComponents(services: [producer, relay, contacts, inputs, dispatcher] + receipts, personalData: personalData, routes: { api in
                routes.add(to: api)
            })
        })

    /// notification holds the pupil's forename and flags, their contacts (names, addresses) and what was sent to whom.
    /// Erasure removes the contacts and the forename; the message log keeps masked addresses and the legal text (evidence).
    static let personalData = PersonalData(tables: [
        .init("pupils", where: "upn = $1"),
        .init("contacts", where: "upn = $1"),
        .init("messages", where: "upn = $1"),
    ]) { upn, connection, logger in
        let rows = try await connection.query("""
            WITH contacts_erased AS (DELETE FROM contacts WHERE upn = \(upn) RETURNING 1),
                 pupils_erased AS (UPDATE pupils SET forename = '' WHERE upn = \(upn) RETURNING 1)
            SELECT (SELECT count(*) FROM contacts_erased), (SELECT count(*) FROM pupils_erased)
            """, logger: logger)
        var counts: [String: Int] = [:]
        for try await (contacts, pupils) in rows.decode((Int, Int).self) { counts = ["contacts": contacts, "pupils": pupils] }
        return counts
    }
}
