import AttendanceDomain
import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// Stores a school's roster and queues, in the same transaction, `pupils.profiles` events with the
/// profiles that are new or changed and `pupils.contacts` events with the changed contacts, each list cut
/// into events under the broker's message size (`EventChunks`). A roster marked `complete` is the school's
/// whole roll: a stored pupil it leaves out, not yet marked as left, is a leaver from `today` (kept, and
/// published so); a pupil admitted after today is not (a prospective pupil).
enum RosterStore {
    struct Counts: Sendable, Equatable, Codable {
        var pupils = 0
        var profilesChanged = 0
        var contactsChanged = 0
        /// Pupils on the roll before, left out of this roster: now leavers.
        var leavers = 0
    }

    /// Call inside a transaction.
    static func store(_ entries: [RosterEntry], school: URN, complete: Bool, today: SchoolDate, on connection: PostgresConnection, logger: Logger) async throws -> Counts {
        // Two rosters of one school wait for each other: each then compares with what the other stored, and
        // their upserts cannot lock the same pupils in opposite orders. Taken before any pupil is read.
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockSpace), \(Int32(school.value)!))", logger: logger)
        let school = school.value
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let upns = entries.map(\.profile.upn)
        let profiles = try entries.map { String(decoding: try encoder.encode($0.profile), as: UTF8.self) }
        let contacts = try entries.map { String(decoding: try encoder.encode($0.contacts), as: UTF8.self) }
        // The canonical JSON (sorted keys) makes "changed" a plain text comparison.
        let rows = try await connection.query("""
            WITH incoming AS (
                SELECT * FROM unnest(\(upns)::text[], \(profiles)::text[], \(contacts)::text[]) AS t(upn, profile_json, contacts_json)
            ), previous AS (
                SELECT p.upn, p.profile_json, p.contacts_json FROM pupils p JOIN incoming i USING (upn) WHERE p.school_urn = \(school)
            ), written AS (
                INSERT INTO pupils (school_urn, upn, profile_json, contacts_json)
                SELECT \(school), upn, profile_json, contacts_json FROM incoming
                ON CONFLICT (school_urn, upn) DO UPDATE
                    SET profile_json = EXCLUDED.profile_json, contacts_json = EXCLUDED.contacts_json, updated_at = now()
                    WHERE pupils.profile_json <> EXCLUDED.profile_json OR pupils.contacts_json <> EXCLUDED.contacts_json
                RETURNING upn
            )
            SELECT i.upn, p.profile_json IS DISTINCT FROM i.profile_json, p.contacts_json IS DISTINCT FROM i.contacts_json
            FROM incoming i LEFT JOIN previous p USING (upn)
            """, logger: logger)
        var profileChanged: Set<String> = [], contactsChanged: Set<String> = []
        for try await (upn, profileDiffers, contactsDiffer) in rows.decode((String, Bool, Bool).self) {
            if profileDiffers { profileChanged.insert(upn) }
            if contactsDiffer { contactsChanged.insert(upn) }
        }
        let leavers = complete ? try await markLeavers(school: school, listed: upns, today: today, encoder: encoder, on: connection, logger: logger) : []
        let chunks = EventChunks()
        var events: [OutboxMessage] = []
        let profileIndices = entries.indices.filter { profileChanged.contains(entries[$0].profile.upn) }
        let published = profileIndices.map { entries[$0].profile } + leavers.map(\.profile)
        let sizes = profileIndices.map { profiles[$0].utf8.count } + leavers.map(\.json.utf8.count)
        for range in chunks.ranges(sizes: sizes) {
            let pupils = Array(published[range])
            events.append(try IngestEvents.outboxMessage(PupilProfilesUpdated.type, version: PupilProfilesUpdated.version, topic: TopicCatalogue.pupilProfiles.name,
                                      school: school, data: PupilProfilesUpdated(schoolUrn: school, pupils: pupils)))
        }
        let contactIndices = entries.indices.filter { contactsChanged.contains(entries[$0].profile.upn) }
        for range in chunks.ranges(sizes: contactIndices.map { contacts[$0].utf8.count + upns[$0].utf8.count }) {
            let pupils = contactIndices[range].map { PupilContactsUpdated.Entry(upn: entries[$0].profile.upn, contacts: entries[$0].contacts) }
            events.append(try IngestEvents.outboxMessage(PupilContactsUpdated.type, version: PupilContactsUpdated.version, topic: TopicCatalogue.pupilContacts.name,
                                      school: school, data: PupilContactsUpdated(schoolUrn: school, pupils: pupils)))
        }
        try await Outbox.enqueue(events, on: connection, logger: logger)
        return Counts(pupils: entries.count, profilesChanged: profileIndices.count, contactsChanged: contactIndices.count, leavers: leavers.count)
    }

    /// The stored pupils of the school that this roster leaves out and that have no leaving date: they get
    /// `today` as their leaving date (stored in canonical JSON, like every profile) and are returned to publish.
    private static func markLeavers(school: String, listed: [String], today: SchoolDate, encoder: JSONEncoder,
                                    on connection: PostgresConnection, logger: Logger) async throws -> [(profile: PupilProfile, json: String)] {
        let rows = try await connection.query("""
            SELECT profile_json FROM pupils
            WHERE school_urn = \(school) AND NOT (upn = ANY(\(listed)::text[])) AND (profile_json::jsonb ->> 'leavingDate') IS NULL
              AND (profile_json::jsonb ->> 'admissionDate') <= \(today.iso)
            ORDER BY upn
            """, logger: logger)
        var leavers: [(profile: PupilProfile, json: String)] = []
        for try await stored in rows.decode(String.self) {
            var profile = try JSONDecoder().decode(PupilProfile.self, from: Data(stored.utf8))
            profile.leavingDate = today.iso
            leavers.append((profile, String(decoding: try encoder.encode(profile), as: UTF8.self)))
        }
        guard !leavers.isEmpty else { return [] }
        try await connection.query("""
            UPDATE pupils SET profile_json = l.json, updated_at = now()
            FROM unnest(\(leavers.map(\.profile.upn))::text[], \(leavers.map(\.json))::text[]) AS l(upn, json)
            WHERE pupils.school_urn = \(school) AND pupils.upn = l.upn
            """, logger: logger)
        return leavers
    }

    /// The first key of the roster locks (PostgreSQL's two-key form, the school URN second). Session locks
    /// use the same form with URNs first, which are six digits, so the two never meet.
    static let lockSpace: Int32 = 1

    /// The pupils among `upns` that the school's roster does not list.
    static func unknown(_ upns: [String], school: String, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.query("""
            SELECT u FROM unnest(\(upns)::text[]) AS u WHERE NOT EXISTS (SELECT 1 FROM pupils p WHERE p.school_urn = \(school) AND p.upn = u)
            """, logger: logger)
        var result: [String] = []
        for try await upn in rows.decode(String.self) { result.append(upn) }
        return result
    }
}
