import AttendanceDomain
import Events
import Logging
import Messaging
import PostgresNIO
import ServiceRuntime

/// Keeps the cohort facts the summaries and the rules need from `pupils.profiles` (year group, flags, family,
/// the dates of compulsory school age; no name, no date of birth), in the batch's transaction; an
/// unreadable event goes to the dead-letter topic.
struct ProfilesHandler: BatchHandler {
    let families: RosterIndex

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
        let ages = list.map { SchoolDate(iso: $0.dateOfBirth).map(CompulsorySchoolAge.init(dateOfBirth:)) }
        try await connection.query("""
            INSERT INTO pupil_profiles (school_urn, upn, year_group, sen_support, ehc_plan, free_school_meals, child_looked_after,
                has_social_worker, family_id, compulsory_from, compulsory_until, admitted, left_on)
            SELECT school_urn, upn, year_group, sen, ehc, fsm, cla, social, NULLIF(family, ''), NULLIF(csa_from, '')::date, NULLIF(csa_until, '')::date,
                NULLIF(admitted, '')::date, NULLIF(left_on, '')::date
            FROM unnest(\(list.map(\.schoolUrn))::text[], \(list.map(\.upn))::text[], \(list.map(\.yearGroup))::text[],
                \(list.map(\.flags.senSupport))::bool[], \(list.map(\.flags.ehcPlan))::bool[], \(list.map(\.flags.freeSchoolMeals))::bool[],
                \(list.map(\.flags.childLookedAfter))::bool[], \(list.map(\.flags.hasSocialWorker))::bool[], \(list.map { $0.familyId ?? "" })::text[],
                \(ages.map { $0?.from.iso ?? "" })::text[], \(ages.map { $0?.until.iso ?? "" })::text[],
                \(list.map { SchoolDate(iso: $0.admissionDate)?.iso ?? "" })::text[], \(list.map { $0.leavingDate.flatMap(SchoolDate.init(iso:))?.iso ?? "" })::text[])
                AS incoming(school_urn, upn, year_group, sen, ehc, fsm, cla, social, family, csa_from, csa_until, admitted, left_on)
            ON CONFLICT (school_urn, upn) DO UPDATE SET year_group = EXCLUDED.year_group, sen_support = EXCLUDED.sen_support,
                ehc_plan = EXCLUDED.ehc_plan, free_school_meals = EXCLUDED.free_school_meals,
                child_looked_after = EXCLUDED.child_looked_after, has_social_worker = EXCLUDED.has_social_worker,
                family_id = EXCLUDED.family_id, compulsory_from = EXCLUDED.compulsory_from, compulsory_until = EXCLUDED.compulsory_until,
                admitted = EXCLUDED.admitted, left_on = EXCLUDED.left_on, updated_at = now()
            """, logger: logger)
        // Set even if the transaction then rolls back: the batch is applied again, with the same values.
        for (profile, age) in zip(list, ages) {
            let key = PupilKey(school: profile.schoolUrn, upn: profile.upn)
            families.set(key, family: profile.familyId)
            families.set(key, facts: .init(lookedAfter: profile.flags.childLookedAfter, compulsorySchoolAge: age,
                                           admitted: SchoolDate(iso: profile.admissionDate), left: profile.leavingDate.flatMap(SchoolDate.init(iso:))))
        }
    }
}

extension RosterIndex {
    /// Fills the index from the stored profiles (before the marks handler applies anything).
    func load(on connection: PostgresConnection, logger: Logger) async throws {
        try await load(connection.query("""
            SELECT school_urn, upn, family_id, child_looked_after, compulsory_from::text, compulsory_until::text, admitted::text, left_on::text
            FROM pupil_profiles
            """, logger: logger))
    }

    /// Reads the stored profiles of pupils this index does not list: the profiles consumer of another
    /// instance may have stored them since this one loaded (``unlisted(_:)``).
    func load(_ pupils: Set<PupilKey>, on connection: PostgresConnection, logger: Logger) async throws {
        guard !pupils.isEmpty else { return }
        let keys = Array(pupils)
        try await load(connection.query("""
            SELECT school_urn, upn, family_id, child_looked_after, compulsory_from::text, compulsory_until::text, admitted::text, left_on::text
            FROM pupil_profiles JOIN unnest(\(keys.map(\.school))::text[], \(keys.map(\.upn))::text[]) AS wanted(school_urn, upn) USING (school_urn, upn)
            """, logger: logger))
    }

    private func load(_ rows: PostgresRowSequence) async throws {
        for try await (school, upn, family, lookedAfter, from, until, admitted, left) in rows.decode((String, String, String?, Bool, String?, String?, String?, String?).self) {
            let key = PupilKey(school: school, upn: upn)
            if let family { set(key, family: family) }
            let age = from.flatMap(SchoolDate.init(iso:)).flatMap { start in until.flatMap(SchoolDate.init(iso:)).map { CompulsorySchoolAge(from: start, until: $0) } }
            set(key, facts: .init(lookedAfter: lookedAfter, compulsorySchoolAge: age, admitted: admitted.flatMap(SchoolDate.init(iso:)),
                                  left: left.flatMap(SchoolDate.init(iso:))))
        }
    }
}
