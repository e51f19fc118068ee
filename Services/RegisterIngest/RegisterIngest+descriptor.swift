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
    /// (the consumer group reading `mis.registers`, default `register-ingest`), `INGEST_AM_REGISTER_BY` and
    /// `INGEST_PM_REGISTER_BY` (when a session's register is late, London time: default 10:00 and 14:30).
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
            let (producer, relay) = try context.outboxPublisher()
            let routes = RegisterRoutes(
                postgres: context.postgres, logger: context.logger, maximumBodyBytes: maximumBody,
                today: { SchoolDate.today(inTimeZone: "Europe/London") }, outboxWritten: { relay.wake() })
            let roster = RosterRoutes(registers: routes)
            let unknown = UnknownPupilsRoutes(postgres: context.postgres, logger: context.logger)
            let quality = RegisterQualityRoutes(postgres: context.postgres, logger: context.logger, deadlines: try RegisterDeadlines(environment: env),
                                                now: RegisterDeadlines.londonNow)
            let group = env.string("INGEST_CONSUMER_GROUP", default: "register-ingest")
            let feed = try BatchConsumer(
                configuration: KafkaConsumerConfiguration(client: context.configuration.kafka, groupID: group, topics: [TopicCatalogue.misRegisters.name]),
                settings: .init(name: group), postgres: context.postgres,
                handler: MisRegisterHandler(today: routes.today), logger: context.logger, committed: { relay.wake() })
            return ServiceComponents(services: [producer, relay, feed], personalData: personalData, environmentConnectorToken: connectorToken, routes: { api in
                routes.add(to: api)
                roster.add(to: api)
                unknown.add(to: api)
                quality.add(to: api)
            })
        })
}

extension RegisterIngest {
    /// register-ingest holds the roster (name, date of birth, flags, contacts) and the marks. Erasure deletes
    /// the roster entry and takes the pupil out of every roster event still in the outbox; the marks stay:
    /// schools must keep the attendance register (The School Attendance (Pupil Registration) (England)
    /// Regulations 2024), and they carry no name, birth date or contact.
    static let personalData = PersonalData(tables: [
        .init("pupils", where: "upn = $1"),
        .init("marks", where: "upn = $1"),
    ]) { upn, connection, logger in
        let roster = try await PersonalData.execute("DELETE FROM pupils WHERE upn = $1", upn: upn, on: connection, logger: logger)
        // Roster events (profiles and contacts) list many pupils under `data.pupils`: drop this one's entry.
        let events = try await PersonalData.execute("""
            UPDATE outbox SET payload = convert_to(jsonb_set(convert_from(payload, 'UTF8')::jsonb, '{data,pupils}', (
                    SELECT coalesce(jsonb_agg(entry), '[]'::jsonb) FROM jsonb_array_elements(convert_from(payload, 'UTF8')::jsonb #> '{data,pupils}') AS entry
                    WHERE entry ->> 'upn' <> $1))::text, 'UTF8')
            WHERE topic IN ('\(TopicCatalogue.pupilProfiles.name)', '\(TopicCatalogue.pupilContacts.name)')
              AND position(convert_to($1::text, 'UTF8') in payload) > 0
            """, upn: upn, on: connection, logger: logger)
        return ["pupils": roster, "outbox": events]
    }
}
