import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// Stores a school's roster and queues, in the same transaction, one `pupils.profiles` event with the
/// profiles that are new or changed and one `pupils.contacts` event with the changed contacts.
enum RosterStore {
    struct Counts: Sendable, Equatable, Codable {
        var pupils = 0
        var profilesChanged = 0
        var contactsChanged = 0
    }

    static func store(_ entries: [RosterEntry], school: String, on connection: PostgresConnection, logger: Logger) async throws -> Counts {
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
        var events: [OutboxMessage] = []
        let changedProfiles = entries.filter { profileChanged.contains($0.profile.upn) }.map(\.profile)
        if !changedProfiles.isEmpty {
            events.append(try IngestEvents.outboxMessage(PupilProfilesUpdated.type, version: PupilProfilesUpdated.version, topic: TopicCatalogue.pupilProfiles.name,
                                      school: school, data: PupilProfilesUpdated(schoolUrn: school, pupils: changedProfiles)))
        }
        let changedContacts = entries.filter { contactsChanged.contains($0.profile.upn) }.map { PupilContactsUpdated.Entry(upn: $0.profile.upn, contacts: $0.contacts) }
        if !changedContacts.isEmpty {
            events.append(try IngestEvents.outboxMessage(PupilContactsUpdated.type, version: PupilContactsUpdated.version, topic: TopicCatalogue.pupilContacts.name,
                                      school: school, data: PupilContactsUpdated(schoolUrn: school, pupils: changedContacts)))
        }
        try await Outbox.enqueue(events, on: connection, logger: logger)
        return Counts(pupils: entries.count, profilesChanged: changedProfiles.count, contactsChanged: changedContacts.count)
    }

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
