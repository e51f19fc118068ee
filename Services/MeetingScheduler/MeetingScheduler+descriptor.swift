import Events
import Hummingbird
import Messaging
import PostgresNIO
import ServiceRuntime
import Storage

extension MeetingScheduler {
    /// meeting-scheduler owns the PostgreSQL schema `meeting_scheduler`; its HTTP port defaults to 8085.
    ///
    /// Its own variables: `SCHEDULER_CONSUMER_GROUP` (default `meeting-scheduler`) and ``SchedulerSettings``.
    static let descriptor = ServiceDescriptor(
        name: "meeting-scheduler",
        schema: "meeting_scheduler",
        defaultHTTPPort: 8085,
        migrations: Migrations.all,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD"])
            let settings = try SchedulerSettings(environment: env)
            let group = env.string("SCHEDULER_CONSUMER_GROUP", default: "meeting-scheduler")
            let (producer, relay) = try context.outboxPublisher()
            let requests = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group, topics: [TopicCatalogue.meetingRequests.name]),
                settings: .init(name: group), postgres: context.postgres, handler: RequestsHandler(settings: settings), logger: context.logger,
                committed: { relay.wake() })
            let panels = PanelRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let bookings = BookingRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let calendars = CalendarRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let family = FamilyMeetingRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let tsms = TsmRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let mailer = ScheduleMailer(postgres: context.postgres, settings: settings, logger: context.logger,
                                        interval: .seconds(settings.mailerIntervalSeconds))
            return ServiceComponents(services: [producer, relay, requests] + (settings.mailerIntervalSeconds > 0 ? [mailer] : []), personalData: personalData, routes: { api in
                panels.add(to: api)
                bookings.add(to: api)
                calendars.add(to: api)
                family.add(to: api)
                tsms.add(to: api)
            })
        })

    /// The scheduler holds the meeting requests (name, date of birth, school: what a booking needs) and the
    /// bookings of their cases. Erasure removes the name and date of birth from the requests.
    static let personalData = PersonalData(tables: [
        .init("requests", where: "request->>'upn' = $1"),
        .init("meetings", where: "upn = $1"),
    ]) { upn, connection, logger in
        let rows = try await connection.query("""
            WITH erased AS (UPDATE requests SET request = request - 'forename' - 'surname' - 'dateOfBirth' WHERE request->>'upn' = \(upn) RETURNING 1)
            SELECT count(*) FROM erased
            """, logger: logger)
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return ["requests": count]
    }
}
