import AttendanceDomain
import Events
import Foundation
import Logging
import PostgresNIO

/// The roster's profiles of pupils (from `pupils.profiles`): the name, date of birth and school a referral
/// carries, the flags the gates read, and the parents (by MIS contact id, without addresses).
enum Pupils {
    struct Stored: Sendable {
        var profile: PupilProfile
        var parents: [ParentRef]
    }

    /// Stores profiles in one statement; answers the flags each pupil had before (to notice a flag appearing).
    static func upsert(_ profiles: [PupilProfile], on connection: PostgresConnection, logger: Logger) async throws -> [String: PupilProfile.Flags] {
        guard !profiles.isEmpty else { return [:] }
        let keys = profiles.map { "\($0.schoolUrn)|\($0.upn)" }
        let previous = try await connection.query("""
            SELECT school_urn || '|' || upn, flags::text FROM pupils WHERE school_urn || '|' || upn = ANY(\(keys))
            """, logger: logger)
        var before: [String: PupilProfile.Flags] = [:]
        for try await (key, flags) in previous.decode((String, String).self) {
            before[key] = try EventCoding.decoder().decode(PupilProfile.Flags.self, from: Data(flags.utf8))
        }
        // A v1 roster (no parents) does not forget the parents a v2 roster sent: JSON null keeps them.
        let parents = try profiles.map { profile in try profile.parents.map { try CaseStore.json($0) } ?? "" }
        try await connection.query("""
            INSERT INTO pupils (school_urn, upn, forename, surname, date_of_birth, year_group, leaving_date, flags, family_id, parents)
            SELECT s, u, f, l, d, y, NULLIF(lv, ''), fl::jsonb, NULLIF(fam, ''), coalesce(NULLIF(pa, '')::jsonb, 'null'::jsonb)
            FROM unnest(\(profiles.map(\.schoolUrn))::text[], \(profiles.map(\.upn))::text[], \(profiles.map(\.forename))::text[],
                        \(profiles.map(\.surname))::text[], \(profiles.map(\.dateOfBirth))::text[], \(profiles.map(\.yearGroup))::text[],
                        \(profiles.map { $0.leavingDate ?? "" })::text[], \(try profiles.map { try CaseStore.json($0.flags) })::text[],
                        \(profiles.map { $0.familyId ?? "" })::text[], \(parents)::text[]) AS x(s, u, f, l, d, y, lv, fl, fam, pa)
            ON CONFLICT (school_urn, upn) DO UPDATE SET forename = EXCLUDED.forename, surname = EXCLUDED.surname,
                date_of_birth = EXCLUDED.date_of_birth, year_group = EXCLUDED.year_group, leaving_date = EXCLUDED.leaving_date,
                flags = EXCLUDED.flags, family_id = EXCLUDED.family_id, updated_at = now(),
                parents = CASE WHEN EXCLUDED.parents = 'null'::jsonb THEN pupils.parents ELSE EXCLUDED.parents END
            """, logger: logger)
        return before
    }

    static func load(school: String, upn: String, on connection: PostgresConnection, logger: Logger) async throws -> Stored? {
        let rows = try await connection.query("""
            SELECT forename, surname, date_of_birth, year_group, '', leaving_date, flags::text, family_id, parents::text
            FROM pupils WHERE school_urn = \(school) AND upn = \(upn)
            """, logger: logger)
        let decoder = EventCoding.decoder()
        for try await row in rows.decode((String, String, String, String, String, String?, String, String?, String).self) {
            let flags = try decoder.decode(PupilProfile.Flags.self, from: Data(row.6.utf8))
            let parents = try decoder.decode([ParentRef]?.self, from: Data(row.8.utf8)) ?? []
            return Stored(profile: PupilProfile(upn: upn, schoolUrn: school, forename: row.0, surname: row.1, dateOfBirth: row.2, yearGroup: row.3,
                                                admissionDate: row.4, leavingDate: row.5, flags: flags, familyId: row.7, parents: parents),
                          parents: parents)
        }
        return nil
    }
}

/// The term dates the LA has published (scope `LA`) and a school's own (scope: its URN), as a calendar.
enum TermCalendars {
    static func calendar(for school: String, settings: PathwaySettings, on connection: PostgresConnection, logger: Logger) async throws -> WorkingCalendar {
        let rows = try await connection.query("""
            SELECT dates::text FROM term_dates WHERE scope IN (\(school), 'LA') ORDER BY scope = 'LA' LIMIT 1
            """, logger: logger)
        var dates: TermDates?
        for try await text in rows.decode(String.self) { dates = try EventCoding.decoder().decode(TermDates.self, from: Data(text.utf8)) }
        return WorkingCalendar(termDates: dates, extraHolidays: settings.extraBankHolidays)
    }

    static func store(_ dates: TermDates, scope: String, by subject: String, on connection: PostgresConnection, logger: Logger) async throws {
        let text = try CaseStore.json(dates)
        try await connection.query("""
            INSERT INTO term_dates (scope, dates, updated_by) VALUES (\(scope), \(text)::jsonb, \(subject))
            ON CONFLICT (scope) DO UPDATE SET dates = EXCLUDED.dates, updated_by = EXCLUDED.updated_by, updated_at = now()
            """, logger: logger)
    }
}
