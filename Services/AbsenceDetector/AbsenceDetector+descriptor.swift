import Events
import Messaging
import ServiceRuntime
import Storage

extension AbsenceDetector {
    /// absence-detector owns the PostgreSQL schema `absence_detector`; its HTTP port defaults to 8082.
    ///
    /// Its own variables: `DETECTOR_LA_TOKEN` (optional: an LA token accepted without being stored, for the
    /// demo and the tests), `DETECTOR_CONSUMER_GROUP` (default `absence-detector`), and the LA's settings
    /// `DETECTOR_MINIMUM_SESSIONS`, `DETECTOR_PERSISTENT_PERCENT`, `DETECTOR_SEVERE_PERCENT`, `DETECTOR_EMERGING_PERCENT`.
    static let descriptor = ServiceDescriptor(
        name: "absence-detector",
        schema: "absence_detector",
        defaultHTTPPort: 8082,
        migrations: Migrations.all,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD", "DETECTOR_LA_TOKEN"])
            let settings = try DetectorSettings(environment: env)
            let group = env.string("DETECTOR_CONSUMER_GROUP", default: "absence-detector")
            var producerConfiguration = KafkaProducerConfiguration(client: context.configuration.kafka)
            producerConfiguration.deliveryTimeout = context.configuration.kafkaDeliveryTimeout
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: context.logger)
            let relay = OutboxRelay(client: context.postgres, producer: producer, logger: context.logger,
                                    settings: .init(deliveryTimeout: producerConfiguration.deliveryTimeout, retention: context.configuration.outboxRetention),
                                    health: context.health)
            var marksConfiguration = KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group, topics: [TopicCatalogue.attendanceMarks.name])
            marksConfiguration.maxBatchSize = 10_000  // under load, more sessions per transaction: fewer rewrites of each pupil
            let families = FamilyIndex()
            let marks = try BatchConsumer(
                configuration: marksConfiguration, settings: .init(name: group), postgres: context.postgres,
                handler: MarksHandler(settings: settings, families: families), logger: context.logger, committed: { relay.wake() })
            let profiles = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group + "-profiles", topics: [TopicCatalogue.pupilProfiles.name]),
                settings: .init(name: group + "-profiles"), postgres: context.postgres,
                handler: ProfilesHandler(families: families), logger: context.logger, committed: { relay.wake() })
            let authenticator = BearerTokenAuthenticator(environmentToken: env.values["DETECTOR_LA_TOKEN"], postgres: context.postgres, logger: context.logger)
            let pupils = PupilRoutes(authenticator: authenticator, postgres: context.postgres, settings: settings, logger: context.logger)
            let summaries = SummaryRoutes(authenticator: authenticator, postgres: context.postgres, settings: settings, logger: context.logger)
            let worklists = WorklistRoutes(authenticator: authenticator, postgres: context.postgres, settings: settings, logger: context.logger)
            let signals = SignalRoutes(authenticator: authenticator, postgres: context.postgres, logger: context.logger)
            return ServiceComponents(services: [producer, relay, marks, profiles], routes: { router in
                pupils.add(to: router)
                summaries.add(to: router)
                worklists.add(to: router)
                signals.add(to: router)
            })
        })
}
