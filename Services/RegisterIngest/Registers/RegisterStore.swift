import AttendanceDomain
import Events
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

/// What storing a register changed.
struct RegisterCounts: Sendable, Equatable, Codable {
    /// Marks new to their session.
    var accepted = 0
    /// Marks sent again with the code already stored.
    var unchanged = 0
    /// Marks whose code changed.
    var amended = 0

    static func + (lhs: RegisterCounts, rhs: RegisterCounts) -> RegisterCounts {
        RegisterCounts(accepted: lhs.accepted + rhs.accepted, unchanged: lhs.unchanged + rhs.unchanged, amended: lhs.amended + rhs.amended)
    }
}

/// Stores registers under the natural key (school, date, session, pupil) and queues their events in the
/// same transaction: one `MarksRecorded` for the new marks and one `MarksAmended` for changed codes.
enum RegisterStore {
    /// Call inside a transaction. Locks every session the registers write first (in key order, see
    /// `SessionLocks`), then stores them in the order given, so a later register of a session wins.
    static func record(_ registers: [ValidRegister], on connection: PostgresConnection, logger: Logger) async throws -> RegisterCounts {
        try await SessionLocks.lock(registers, on: connection, logger: logger)
        var total = RegisterCounts()
        for register in registers { total = total + (try await write(register, on: connection, logger: logger)) }
        return total
    }

    /// Amends a stored mark: `register` holds the one mark. Nil when the session has no mark for the
    /// pupil (nothing is written). Call inside a transaction.
    static func amend(_ register: ValidRegister, on connection: PostgresConnection, logger: Logger) async throws -> RegisterCounts? {
        precondition(register.marks.count == 1, "an amendment carries one mark")
        try await SessionLocks.lock([register], on: connection, logger: logger)
        let rows = try await connection.query("""
            SELECT 1 FROM marks WHERE school_urn = \(register.school.value) AND date = \(register.session.date.iso)::date
            AND session = \(register.session.half.rawValue) AND upn = \(register.marks[0].upn.value)
            """, logger: logger)
        var found = false
        for try await _ in rows { found = true }
        guard found else { return nil }
        return try await write(register, on: connection, logger: logger)
    }

    /// One bulk write per register, whatever its size: COPY for a session's first register, an upsert
    /// that compares with the stored codes for a register sent again. The caller holds the session's lock,
    /// which keeps any other writer of the session out until commit, so each sees what the other stored.
    private static func write(_ register: ValidRegister, on connection: PostgresConnection, logger: Logger) async throws -> RegisterCounts {
        let school = register.school.value
        let date = register.session.date.iso
        let session = register.session.half.rawValue
        var counts = RegisterCounts()
        var recorded: [MarksRecorded.Mark] = []
        var amendments: [MarksAmended.Amendment] = []
        if try await sessionIsNew(school: school, date: date, session: session, on: connection, logger: logger) {
            // The first register of a session (the usual case): every mark is new, so COPY, PostgreSQL's bulk path.
            try await copy(register, on: connection, logger: logger)
            counts.accepted = register.marks.count
            recorded = register.marks.map { .init(upn: $0.upn.value, code: $0.code.code) }
        } else {
            for (upn, code, previous) in try await upsert(register, on: connection, logger: logger) {
                switch previous {
                case nil:
                    counts.accepted += 1
                    recorded.append(.init(upn: upn, code: code))
                case code?:
                    counts.unchanged += 1
                case let previous?:
                    counts.amended += 1
                    amendments.append(.init(upn: upn, previousCode: previous, code: code))
                }
            }
        }
        var events: [OutboxMessage] = []
        if !recorded.isEmpty {
            events.append(try IngestEvents.outboxMessage(MarksRecorded.type, version: MarksRecorded.version, topic: TopicCatalogue.attendanceMarks.name, school: school,
                                            data: MarksRecorded(schoolUrn: school, date: date, session: session, marks: recorded)))
        }
        if !amendments.isEmpty {
            events.append(try IngestEvents.outboxMessage(MarksAmended.type, version: MarksAmended.version, topic: TopicCatalogue.attendanceMarks.name, school: school,
                                            data: MarksAmended(schoolUrn: school, date: date, session: session, amendments: amendments)))
        }
        try await Outbox.enqueue(events, on: connection, logger: logger)
        return counts
    }

    private static func sessionIsNew(school: String, date: String, session: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("""
            SELECT NOT EXISTS (SELECT 1 FROM marks WHERE school_urn = \(school) AND date = \(date)::date AND session = \(session))
            """, logger: logger)
        for try await isNew in rows.decode(Bool.self) { return isNew }
        return true
    }

    /// The register's marks in COPY's text format: tab-separated, `\N` for no value, backslash doubled.
    private static func copy(_ register: ValidRegister, on connection: PostgresConnection, logger: Logger) async throws {
        let prefix = "\(register.school.value)\t", middle = "\t\(register.session.date.iso)\t\(register.session.half.rawValue)\t"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(register.marks.count * 48)
        for mark in register.marks {
            let code = mark.code.code == "\\" ? "\\\\" : mark.code.code
            buffer.writeString(prefix + mark.upn.value + middle + code + "\t" + (mark.minutesLate.map(String.init) ?? "\\N") + "\n")
        }
        try await connection.copyFrom(table: "marks", columns: ["school_urn", "upn", "date", "session", "code", "minutes_late"], logger: logger) { writer in
            try await writer.write(buffer)
        }
    }

    /// A register for a session that already has marks: inserts the new, updates the changed, and returns
    /// each mark with the code stored before (nil for a new mark).
    private static func upsert(_ register: ValidRegister, on connection: PostgresConnection, logger: Logger) async throws -> [(String, String, String?)] {
        let school = register.school.value
        let date = register.session.date.iso
        let session = register.session.half.rawValue
        let upns = register.marks.map(\.upn.value)
        let codes = register.marks.map(\.code.code)
        let minutes = register.marks.map { $0.minutesLate ?? -1 }
        // `previous` reads the rows as they were before this statement; `written` are the rows it changed.
        let rows = try await connection.query("""
            WITH incoming AS (
                SELECT * FROM unnest(\(upns)::text[], \(codes)::text[], \(minutes)::int[]) AS t(upn, code, minutes)
            ), previous AS (
                SELECT m.upn, m.code FROM marks m JOIN incoming i USING (upn)
                WHERE m.school_urn = \(school) AND m.date = \(date)::date AND m.session = \(session)
            ), written AS (
                INSERT INTO marks (school_urn, upn, date, session, code, minutes_late)
                SELECT \(school), upn, \(date)::date, \(session), code, NULLIF(minutes, -1) FROM incoming
                ON CONFLICT (school_urn, date, session, upn) DO UPDATE
                    SET code = EXCLUDED.code, minutes_late = EXCLUDED.minutes_late, amended_at = now()
                    WHERE marks.code IS DISTINCT FROM EXCLUDED.code OR marks.minutes_late IS DISTINCT FROM EXCLUDED.minutes_late
                RETURNING upn
            )
            SELECT i.upn, i.code, p.code FROM incoming i LEFT JOIN previous p USING (upn)
            """, logger: logger)
        var marks: [(String, String, String?)] = []
        marks.reserveCapacity(register.marks.count)
        for try await mark in rows.decode((String, String, String?).self) { marks.append(mark) }
        return marks
    }
}
