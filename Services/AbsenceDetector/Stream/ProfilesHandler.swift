import Events
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Keeps the cohort facts the summaries need (year group and flags, no names) from `pupils.profiles`,
/// in the batch's transaction; an unreadable event goes to the dead-letter topic.
struct ProfilesHandler: BatchHandler {
    let families: FamilyIndex

    func apply(_ messages: [KafkaMessage], in batch: inout ConsumedBatch, on connection: PostgresConnection) async throws {
        var profiles: [PupilProfile] = []
        for message in messages {
            do {
                profiles += try EventCodec.decode(PupilProfilesUpdated.self, from: message.value).data.pupils
            } catch {
                batch.deadLetter(message, reason: "unreadable pupils.profiles event: \(error)")
            }
        }
        try await store(profiles, on: connection, logger: batch.logger)
    }

    func store(_ profiles: [PupilProfile], on connection: PostgresConnection, logger: Logger) async throws {
        guard !profiles.isEmpty else { return }
        // The last profile of a pupil in the batch wins.
        var latest: [String: PupilProfile] = [:]
        for profile in profiles { latest[profile.schoolUrn + "|" + profile.upn] = profile }
        let list = Array(latest.values)
        try await connection.query("""
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
        // Set even if the transaction then rolls back: the batch is applied again, with the same values.
        for profile in list { families.set(PupilKey(school: profile.schoolUrn, upn: profile.upn), family: profile.familyId) }
    }
}

extension FamilyIndex {
    /// Fills the index from the stored profiles (before the marks handler applies anything).
    func load(on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT school_urn, upn, family_id FROM pupil_profiles WHERE family_id IS NOT NULL", logger: logger)
        for try await (school, upn, family) in rows.decode((String, String, String).self) {
            set(PupilKey(school: school, upn: upn), family: family)
        }
    }
}
