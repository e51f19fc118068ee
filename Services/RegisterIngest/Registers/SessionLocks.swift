import AttendanceDomain
import Logging
import PostgresNIO

/// The transaction-scoped advisory locks that keep writers of one register session apart.
///
/// Every writer takes its sessions' locks before it reads or locks any mark, and takes them in one
/// order (school, date, session): two transactions then never hold a lock each and wait for the
/// other's, which PostgreSQL would end with a deadlock error.
enum SessionLocks {
    /// One session's lock: PostgreSQL's two-key form, (school URN, session ordinal). Both fit an int4
    /// exactly, so no two sessions share a lock and sorting the keys sorts the locks.
    struct Key: Sendable, Hashable, Comparable {
        var school: Int32
        var session: Int32

        init(_ register: ValidRegister) {
            // A URN is six digits and an ordinal two a day since 1970 (±10,000 years): both fit.
            self.school = Int32(register.school.value)!
            self.session = Int32(register.session.ordinal)
        }

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.school, lhs.session) < (rhs.school, rhs.session) }
    }

    /// Waits for the sessions of `registers` (each once, in key order) and holds them until the
    /// transaction ends. Call inside a transaction, before reading any of their marks.
    static func lock(_ registers: [ValidRegister], on connection: PostgresConnection, logger: Logger) async throws {
        for key in Set(registers.map(Key.init)).sorted() {
            try await connection.query("SELECT pg_advisory_xact_lock(\(key.school), \(key.session))", logger: logger)
        }
    }
}
