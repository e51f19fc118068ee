import AttendanceDomain
import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// The detector's state in PostgreSQL: one row per pupil at a school, with the marks, the conditions and
/// the year-to-date figures (for the API and the summaries), plus the signals sent.
enum PupilStateStore {
    static let columns = "school_urn, upn, partition, sessions, conditions, conditions_year, signalled_spells, explained_spells"
    typealias Row = (String, String, Int32, ByteBuffer, String, Int, ByteBuffer, ByteBuffer)

    static func load(partitions: Set<Int32>, on connection: PostgresConnection, logger: Logger) async throws -> [PupilState] {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM pupil_state WHERE partition = ANY(\(partitions.map { Int32($0) }))", logger: logger)
        return try await states(rows)
    }

    static func load(school: String, upn: String, on connection: PostgresConnection, logger: Logger) async throws -> PupilState? {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM pupil_state WHERE school_urn = \(school) AND upn = \(upn)", logger: logger)
        for try await row in rows.decode(Row.self) { return decode(row) }
        return nil
    }

    static func load(school: String, upn: String, on client: PostgresClient, logger: Logger) async throws -> PupilState? {
        let rows = try await client.query(
            "SELECT \(unescaped: columns) FROM pupil_state WHERE school_urn = \(school) AND upn = \(upn)", logger: logger)
        for try await row in rows.decode(Row.self) { return decode(row) }
        return nil
    }

    /// Every pupil's state at one school, in one query (a school's weekly trend).
    static func load(school: String, on client: PostgresClient, logger: Logger) async throws -> [PupilState] {
        let rows = try await client.query("SELECT \(unescaped: columns) FROM pupil_state WHERE school_urn = \(school)", logger: logger)
        return try await states(rows)
    }

    /// The enrolments of these pupils at schools of partitions other than `partitions` (held by another
    /// instance, or by none): what the pupils' journeys need besides the enrolments in memory.
    static func load(upns: Set<String>, outside partitions: Set<Int32>, on connection: PostgresConnection, logger: Logger) async throws -> [PupilState] {
        guard !upns.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT \(unescaped: columns) FROM pupil_state WHERE upn = ANY(\(Array(upns))) AND partition <> ALL(\(Array(partitions)))
            """, logger: logger)
        return try await states(rows)
    }

    /// Every enrolment of a pupil.
    static func load(upn: String, on client: PostgresClient, logger: Logger) async throws -> [PupilState] {
        let rows = try await client.query("SELECT \(unescaped: columns) FROM pupil_state WHERE upn = \(upn)", logger: logger)
        return try await states(rows)
    }

    /// Every school enrolment of a pupil (a pupil who moved school has more than one).
    static func schools(of upn: String, on client: PostgresClient, logger: Logger) async throws -> [String] {
        let rows = try await client.query("SELECT school_urn FROM pupil_state WHERE upn = \(upn) ORDER BY updated_at DESC", logger: logger)
        var schools: [String] = []
        for try await school in rows.decode(String.self) { schools.append(school) }
        return schools
    }

    /// The latest academic year (its first calendar year) with marks, for one school or the whole LA.
    static func latestAcademicYear(schools: [String]?, on client: PostgresClient, logger: Logger) async throws -> Int? {
        let rows = try await client.query(
            "SELECT max(academic_year) FROM pupil_state WHERE \(schools)::text[] IS NULL OR school_urn = ANY(\(schools)::text[])", logger: logger)
        for try await year in rows.decode(Int?.self) { return year }
        return nil
    }

    private static func states(_ rows: PostgresRowSequence) async throws -> [PupilState] {
        var pupils: [PupilState] = []
        for try await row in rows.decode(Row.self) { pupils.append(decode(row)) }
        return pupils
    }

    private static func decode(_ row: Row) -> PupilState {
        let (school, upn, partition, sessions, conditions, year, spells, explained) = row
        return PupilState(
            key: PupilKey(school: school, upn: upn), partition: partition,
            history: SessionHistory(encoded: sessions.readableBytesView),
            conditions: Set(conditions.split(separator: ",").compactMap(Condition.init(stored:))),
            conditionsYear: year, signalledSpells: ordinals(spells), explainedSpells: ordinals(explained))
    }

    /// Session ordinals stored as little-endian 32-bit integers.
    static func ordinals(_ bytes: ByteBuffer) -> Set<Int32> {
        var set = Set<Int32>(), buffer = bytes
        while let ordinal = buffer.readInteger(endianness: .little, as: Int32.self) { set.insert(ordinal) }
        return set
    }

    static func bytes(_ ordinals: Set<Int32>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for ordinal in ordinals.sorted() { buffer.writeInteger(ordinal, endianness: .little) }
        return buffer
    }

    /// Writes the changed pupils in one statement. Call inside the batch's transaction.
    static func save(_ pupils: [PupilState], on connection: PostgresConnection, logger: Logger) async throws {
        guard !pupils.isEmpty else { return }
        var schools: [String] = [], upns: [String] = [], partitions: [Int32] = [], sessions: [ByteBuffer] = []
        var conditions: [String] = [], conditionYears: [Int] = [], spells: [ByteBuffer] = [], explained: [ByteBuffer] = []
        var years: [Int] = [], possible: [Int] = [], present: [Int] = [], activity: [Int] = [], authorised: [Int] = []
        var unauthorised: [Int] = [], notCounted: [Int] = [], persistent: [Bool] = [], severe: [Bool] = []
        for pupil in pupils {
            schools.append(pupil.key.school)
            upns.append(pupil.key.upn)
            partitions.append(pupil.partition)
            sessions.append(ByteBuffer(bytes: pupil.history.encoded()))
            conditions.append(pupil.conditions.map(\.stored).sorted().joined(separator: ","))
            conditionYears.append(pupil.conditionsYear)
            spells.append(bytes(pupil.signalledSpells))
            explained.append(bytes(pupil.explainedSpells))
            let figures = pupil.figures
            years.append(pupil.currentYear?.startYear ?? 0)
            possible.append(figures.possibleSessions)
            present.append(figures.present)
            activity.append(figures.approvedEducationalActivity)
            authorised.append(figures.authorisedAbsence)
            unauthorised.append(figures.unauthorisedAbsence)
            notCounted.append(figures.notCounted)
            persistent.append(pupil.conditions.contains(.persistent))
            severe.append(pupil.conditions.contains(.severe))
        }
        try await connection.query("""
            INSERT INTO pupil_state (school_urn, upn, partition, sessions, conditions, conditions_year, signalled_spells, academic_year,
                possible_sessions, present, approved_educational_activity, authorised_absence, unauthorised_absence, not_counted,
                persistent_absence, severe_absence, explained_spells, updated_at)
            SELECT *, now() FROM unnest(\(schools)::text[], \(upns)::text[], \(partitions)::int[], \(sessions)::bytea[], \(conditions)::text[],
                \(conditionYears)::int[], \(spells)::bytea[], \(years)::int[], \(possible)::int[], \(present)::int[], \(activity)::int[],
                \(authorised)::int[], \(unauthorised)::int[], \(notCounted)::int[], \(persistent)::bool[], \(severe)::bool[],
                \(explained)::bytea[])
            ON CONFLICT (school_urn, upn) DO UPDATE SET partition = EXCLUDED.partition, sessions = EXCLUDED.sessions,
                conditions = EXCLUDED.conditions, conditions_year = EXCLUDED.conditions_year, signalled_spells = EXCLUDED.signalled_spells,
                academic_year = EXCLUDED.academic_year, possible_sessions = EXCLUDED.possible_sessions, present = EXCLUDED.present,
                approved_educational_activity = EXCLUDED.approved_educational_activity, authorised_absence = EXCLUDED.authorised_absence,
                unauthorised_absence = EXCLUDED.unauthorised_absence, not_counted = EXCLUDED.not_counted,
                persistent_absence = EXCLUDED.persistent_absence, severe_absence = EXCLUDED.severe_absence,
                explained_spells = EXCLUDED.explained_spells, updated_at = now()
            """, logger: logger)
    }
}
