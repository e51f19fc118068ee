import AttendanceDomain
import Events
import Foundation
import Messaging
import ServiceRuntime
import Storage

extension RegisterIngest {
    /// register-ingest owns the PostgreSQL schema `register_ingest`; its HTTP port defaults to 8081.
    ///
    /// Its own variables: `INGEST_CONNECTOR_TOKEN` (optional: an LA connector token accepted without being
    /// stored, for the demo and the tests), `INGEST_MAX_BODY_BYTES` (default 8 MiB), `INGEST_CONSUMER_GROUP`
    /// (the consumer group reading `mis.registers`, default `register-ingest`).
    static let descriptor = ServiceDescriptor(
        name: "register-ingest",
        schema: "register_ingest",
        defaultHTTPPort: 8081,
        migrations: Migrations.all,
        readyWithoutBroker: true,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD", "INGEST_CONNECTOR_TOKEN"])
            let maximumBody = try env.int("INGEST_MAX_BODY_BYTES", default: 8 << 20, range: 1024...(256 << 20), expected: "a size in bytes from 1024 to 268435456")
            let connectorToken = env.values["INGEST_CONNECTOR_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            var producerConfiguration = KafkaProducerConfiguration(client: context.configuration.kafka)
            producerConfiguration.deliveryTimeout = context.configuration.kafkaDeliveryTimeout
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: context.logger)
            let relay = OutboxRelay(client: context.postgres, producer: producer, logger: context.logger,
                                    settings: .init(deliveryTimeout: producerConfiguration.deliveryTimeout, retention: context.configuration.outboxRetention),
                                    health: context.health)
            let routes = RegisterRoutes(
                authenticator: BearerTokenAuthenticator(environmentToken: connectorToken, postgres: context.postgres, logger: context.logger),
                postgres: context.postgres, logger: context.logger, maximumBodyBytes: maximumBody,
                today: { SchoolDate.today(inTimeZone: "Europe/London") }, outboxWritten: { relay.wake() })
            let roster = RosterRoutes(registers: routes)
            let group = env.string("INGEST_CONSUMER_GROUP", default: "register-ingest")
            let feed = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group, topics: [TopicCatalogue.misRegisters.name]),
                settings: .init(name: group), postgres: context.postgres,
                handler: MisRegisterHandler(today: routes.today), logger: context.logger, committed: { relay.wake() })
            return ServiceComponents(services: [producer, relay, feed], routes: { router in
                routes.add(to: router)
                roster.add(to: router)
            })
        })
}
