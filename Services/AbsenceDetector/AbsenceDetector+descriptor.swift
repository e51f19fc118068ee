import Events
import Messaging
import PostgresNIO
import ServiceRuntime
import Storage

extension AbsenceDetector {
    /// absence-detector owns the PostgreSQL schema `absence_detector`; its HTTP port defaults to 8082.
    ///
    /// Its own variables: `DETECTOR_CONSUMER_GROUP` (default `absence-detector`), and the LA's settings
    /// `DETECTOR_MINIMUM_SESSIONS`, `DETECTOR_PERSISTENT_PERCENT`, `DETECTOR_SEVERE_PERCENT`, `DETECTOR_EMERGING_PERCENT`.
    static let descriptor = ServiceDescriptor(
        name: "absence-detector",
        schema: "absence_detector",
        defaultHTTPPort: 8082,
        migrations: Migrations.all,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD"])
            let settings = try DetectorSettings(environment: env)
            let group = env.string("DETECTOR_CONSUMER_GROUP", default: "absence-detector")
            let (producer, relay) = try context.outboxPublisher()
            var marksConfiguration = KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group, topics: [TopicCatalogue.attendanceMarks.name])
            marksConfiguration.maxBatchSize = 10_000  // under load, more sessions per transaction: fewer rewrites of each pupil
            let families = RosterIndex()
            let marks = try BatchConsumer(
                configuration: marksConfiguration, settings: .init(name: group), postgres: context.postgres,
                handler: MarksHandler(settings: settings, families: families), logger: context.logger, committed: { relay.wake() })
            let profiles = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group + "-profiles", topics: [TopicCatalogue.pupilProfiles.name]),
                settings: .init(name: group + "-profiles"), postgres: context.postgres,
                handler: ProfilesHandler(families: families), logger: context.logger, committed: { relay.wake() })
            let pupils = PupilRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let summaries = SummaryRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let worklists = WorklistRoutes(postgres: context.postgres, settings: settings, logger: context.logger)
            let signals = SignalRoutes(postgres: context.postgres, logger: context.logger)
            let weekly = WeeklyRoutes(postgres: context.postgres, logger: context.logger)
            let watches = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group + "-watches", topics: [TopicCatalogue.attendanceWatches.name]),
                settings: .init(name: group + "-watches"), postgres: context.postgres,
                handler: WatchesHandler(), logger: context.logger, committed: { relay.wake() })
            return ServiceComponents(services: [producer, relay, marks, profiles, watches], personalData: personalData(families: families), routes: { api in
                pupils.add(to: api)
                summaries.add(to: api)
                worklists.add(to: api)
                signals.add(to: api)
                weekly.add(to: api)
            })
        })
}

extension AbsenceDetector {
    /// The detector holds no name, date of birth or contact; it holds the pupil's attendance state and
    /// signals (the register's evidence, kept) and the cohort flags and family link from the roster
    /// (special category data, erased).
    static func personalData(families: RosterIndex) -> PersonalData {
        PersonalData(tables: [
            .init("pupil_state", where: "upn = $1"),
            .init("pupil_journeys", where: "upn = $1"),
            .init("signals", where: "upn = $1"),
            .init("pupil_profiles", where: "upn = $1"),
        ]) { upn, connection, logger in
            let rows = try await connection.query("DELETE FROM pupil_profiles WHERE upn = \(upn) RETURNING school_urn", logger: logger)
            var schools: [String] = []
            for try await school in rows.decode(String.self) { schools.append(school) }
            for school in schools {
                families.set(PupilKey(school: school, upn: upn), family: nil)
                families.set(PupilKey(school: school, upn: upn), facts: nil)
            }
            return ["pupil_profiles": schools.count]
        }
    }
}
