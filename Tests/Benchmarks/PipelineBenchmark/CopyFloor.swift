import AttendanceDomain
import Logging
import NIOCore
import PostgresNIO
import SyntheticLA

/// The floor of any durable pipeline on this machine: PostgreSQL's own `COPY` of the same marks into a
/// table made like register-ingest's `marks` (primary key school, date, session, pupil; the index by pupil).
enum CopyFloor {
    /// Seconds to create the table and COPY the marks in (one transaction, committed).
    static func measure(_ registers: [TermRegisters.Register], postgres: PostgresClient, logger: Logger) async throws -> Double {
        try await postgres.withConnection { connection in
            try await connection.query("DROP TABLE IF EXISTS copy_floor", logger: logger)
            try await connection.query("""
                CREATE TABLE copy_floor (
                    school_urn text NOT NULL, upn text NOT NULL, date date NOT NULL,
                    session text NOT NULL CHECK (session IN ('AM', 'PM')), code text NOT NULL, minutes_late integer,
                    recorded_at timestamptz NOT NULL DEFAULT now(), amended_at timestamptz,
                    PRIMARY KEY (school_urn, date, session, upn))
                """, logger: logger)
            try await connection.query("CREATE INDEX copy_floor_by_pupil ON copy_floor (upn, date)", logger: logger)
            // The rows as COPY's text format, prepared before the clock starts.
            var chunks: [ByteBuffer] = []
            var chunk = ByteBuffer()
            for register in registers {
                let prefix = "\(register.schoolUrn)\t", suffix = "\t\(register.date.iso)\t\(register.half.rawValue)\t"
                for (upn, code) in register.marks {
                    chunk.writeString(prefix + upn + suffix + (code == "\\" ? "\\\\" : code) + "\n")
                }
                if chunk.readableBytes > 1 << 20 {
                    chunks.append(chunk)
                    chunk = ByteBuffer()
                }
            }
            chunks.append(chunk)
            let start = ContinuousClock.now
            try await connection.copyFrom(table: "copy_floor", columns: ["school_urn", "upn", "date", "session", "code"], logger: logger) { writer in
                for chunk in chunks { try await writer.write(chunk) }
            }
            let seconds = start.duration(to: .now)
            try await connection.query("DROP TABLE copy_floor", logger: logger)
            return Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
        }
    }
}
