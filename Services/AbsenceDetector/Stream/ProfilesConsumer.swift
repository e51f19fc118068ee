import Events
import Logging
import Messaging
import PostgresNIO
import ServiceLifecycle

/// Keeps the cohort facts the summaries need (year group and flags, no names) from `pupils.profiles`.
/// Upserts are idempotent, so redelivery is harmless; offsets are committed after each batch is stored.
final class ProfilesConsumer: Service, Sendable {
    private let consumer: KafkaConsumer
    private let postgres: PostgresClient
    private let families: FamilyIndex
    private let logger: Logger

    init(consumer: KafkaConsumer, postgres: PostgresClient, families: FamilyIndex, logger: Logger) {
        self.consumer = consumer
        self.postgres = postgres
        self.families = families
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let batch = try await consumer.nextBatch()
            guard !batch.messages.isEmpty else { continue }
            var profiles: [PupilProfile] = []
            for message in batch.messages {
                do {
                    profiles += try EventCodec.decode(PupilProfilesUpdated.self, from: message.value).data.pupils
                } catch {
                    logger.error("unreadable pupils.profiles event skipped", metadata: ["offset": "\(message.offset)", "reason": "\(error)"])
                }
            }
            do {
                try await store(profiles)
            } catch {
                logger.warning("profiles not stored; the batch will be read again", metadata: ["error": "\(String(reflecting: error))"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                continue
            }
            do { try await consumer.commit(batch) } catch let error where error.isFatal { throw error } catch {}
        }
        await consumer.close()
    }

    func store(_ profiles: [PupilProfile]) async throws {
        guard !profiles.isEmpty else { return }
        // The last profile of a pupil in the batch wins.
        var latest: [String: PupilProfile] = [:]
        for profile in profiles { latest[profile.schoolUrn + "|" + profile.upn] = profile }
        let list = Array(latest.values)
        try await postgres.query("""
            INSERT INTO pupil_profiles (school_urn, upn, year_group, sen_support, ehc_plan, free_school_meals, child_looked_after,
                has_social_worker, family_id)
            SELECT school_urn, upn, year_group, sen, ehc, fsm, cla, social, NULLIF(family, '')
            FROM unnest(\(list.map(\.schoolUrn))::text[], \(list.map(\.upn))::text[], \(list.map(\.yearGroup))::text[],
                \(list.map(\.flags.senSupport))::bool[], \(list.map(\.flags.ehcPlan))::bool[], \(list.map(\.flags.freeSchoolMeals))::bool[],
                \(list.map(\.flags.childLookedAfter))::bool[], \(list.map(\.flags.hasSocialWorker))::bool[], \(list.map { $0.familyId ?? "" })::text[])
                AS incoming(school_urn, upn, year_group, sen, ehc, fsm, cla, social, family)
            ON CONFLICT (school_urn, upn) DO UPDATE SET year_group = EXCLUDED.year_group, sen_support = EXCLUDED.sen_support,
                ehc_plan = EXCLUDED.ehc_plan, free_school_meals = EXCLUDED.free_school_meals,
                child_looked_after = EXCLUDED.child_looked_after, has_social_worker = EXCLUDED.has_social_worker,
                family_id = EXCLUDED.family_id, updated_at = now()
            """, logger: logger)
        for profile in list { families.set(PupilKey(school: profile.schoolUrn, upn: profile.upn), family: profile.familyId) }
    }
}

extension FamilyIndex {
    /// Fills the index from the stored profiles (before the marks consumer applies anything).
    func load(from postgres: PostgresClient, logger: Logger) async throws {
        let rows = try await postgres.query("SELECT school_urn, upn, family_id FROM pupil_profiles WHERE family_id IS NOT NULL", logger: logger)
        for try await (school, upn, family) in rows.decode((String, String, String).self) {
            set(PupilKey(school: school, upn: upn), family: family)
        }
    }
}
