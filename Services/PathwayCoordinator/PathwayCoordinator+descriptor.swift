import Events
import Hummingbird
import Messaging
import PostgresNIO
import ServiceRuntime
import Storage

extension PathwayCoordinator {
    /// pathway-coordinator owns the PostgreSQL schema `pathway_coordinator`; its HTTP port defaults to 8083.
    ///
    /// Its own variables: `PATHWAY_CONSUMER_GROUP` (default `pathway-coordinator`) and the LA's settings
    /// (``PathwaySettings``: `PATHWAY_REOPEN_MONTHS`, `PATHWAY_SUPPORT_OFFERS`, ...).
    static let descriptor = ServiceDescriptor(
        name: "pathway-coordinator",
        schema: "pathway_coordinator",
        defaultHTTPPort: 8083,
        migrations: Migrations.all,
        components: { context in
            let env = EnvironmentReader(context.environment, secrets: ["POSTGRES_PASSWORD"])
            let settings = try PathwaySettings(environment: env)
            let group = env.string("PATHWAY_CONSUMER_GROUP", default: "pathway-coordinator")
            let (producer, relay) = try context.outboxPublisher()
            func consumer(_ suffix: String, _ topics: [TopicDescription], _ handler: some BatchHandler) throws -> BatchConsumer<some BatchHandler> {
                try BatchConsumer(
                    configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group + suffix, topics: topics.map(\.name)),
                    settings: .init(name: group + suffix), postgres: context.postgres, handler: handler, logger: context.logger, committed: { relay.wake() })
            }
            // Profiles first in the list: a signal about a pupil usually follows their roster.
            let profiles = try consumer("-profiles", [TopicCatalogue.pupilProfiles], ProfilesHandler())
            let signals = try consumer("", [TopicCatalogue.attendanceSignals], SignalsHandler(settings: settings))
            let caseEvents = try consumer("-cases", [TopicCatalogue.meetingsBooked, TopicCatalogue.meetingOutcomes, TopicCatalogue.notificationDeliveries],
                                          CaseEventsHandler(settings: settings))
            let work = CaseWorkRoutes(postgres: context.postgres, logger: context.logger)
            let legal = LegalRoutes(postgres: context.postgres, settings: settings, logger: context.logger, work: work)
            let routes: [@Sendable (RouterGroup<ServiceRequestContext>) -> Void] = [
                CaseRoutes(postgres: context.postgres, settings: settings, logger: context.logger).add,
                work.add,
                MoveRoutes(postgres: context.postgres, settings: settings, logger: context.logger, work: work).add,
                legal.add,
                ContractRoutes(postgres: context.postgres, settings: settings, logger: context.logger, work: work, legal: legal).add,
                WorklistRoutes(postgres: context.postgres, logger: context.logger).add,
            ]
            let digests = WorklistDigest(postgres: context.postgres, settings: settings, logger: context.logger)
            return ServiceComponents(services: [producer, relay, profiles, signals, caseEvents, digests], personalData: personalData, routes: { api in
                for add in routes { add(api) }
            })
        })

    /// The coordinator holds the roster's profile (name, date of birth, flags, parents' ids) and the case file.
    /// Erasure removes the profile; the case file is kept for its retention period, as the LA's legal duty requires.
    static let personalData = PersonalData(tables: [
        .init("pupils", where: "upn = $1"),
        .init("cases", where: "upn = $1"),
        .init("legal_interventions", where: "upn = $1"),
    ]) { upn, connection, logger in
        let rows = try await connection.query("WITH gone AS (DELETE FROM pupils WHERE upn = \(upn) RETURNING 1) SELECT count(*) FROM gone", logger: logger)
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return ["pupils": count]
    }
}
