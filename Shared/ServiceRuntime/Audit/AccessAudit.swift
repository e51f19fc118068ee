import Foundation
import Logging
import PostgresNIO

/// The service's `access_audit`: one row per request a caller made to an API that holds children's data
/// (who, with which roles and token, what, which school, pupils and case, the answer, from where).
public enum AccessAudit {
    public struct Entry: Sendable, Equatable, Codable {
        public var at: Date
        public var subject: String
        public var tokenID: String
        public var roles: [String]
        public var action: String
        public var schoolUrn: String?
        public var pupils: [String]
        public var caseID: String?
        public var status: Int
        public var refusal: String?
        public var client: String?
    }

    public static func write(_ entry: Entry, on postgres: PostgresClient, logger: Logger) async throws {
        try await postgres.query(insert(entry), logger: logger)
    }

    /// In a write's own transaction: the change and its audit row commit together or not at all.
    public static func write(_ entry: Entry, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(insert(entry), logger: logger)
    }

    private static func insert(_ entry: Entry) -> PostgresQuery {
        """
        INSERT INTO access_audit (at, subject, token_id, roles, action, school_urn, pupils, case_id, status, refusal, client)
        VALUES (\(entry.at), \(entry.subject), \(entry.tokenID), \(entry.roles), \(entry.action), \(entry.schoolUrn), \(entry.pupils),
                \(entry.caseID), \(entry.status), \(entry.refusal), \(entry.client))
        """
    }

    public struct Query: Sendable {
        public var pupil: String?
        public var subject: String?
        public var from: Date?
        public var to: Date?
        public var limit: Int = 100
    }

    /// Newest first.
    public static func find(_ query: Query, on postgres: PostgresClient, logger: Logger) async throws -> [Entry] {
        let rows = try await postgres.query("""
            SELECT at, subject, token_id, roles, action, school_urn, pupils, case_id, status, refusal, client FROM access_audit
            WHERE (\(query.pupil)::text IS NULL OR pupils @> ARRAY[\(query.pupil)::text])
              AND (\(query.subject)::text IS NULL OR subject = \(query.subject))
              AND (\(query.from)::timestamptz IS NULL OR at >= \(query.from))
              AND (\(query.to)::timestamptz IS NULL OR at < \(query.to))
            ORDER BY at DESC, id DESC LIMIT \(query.limit)
            """, logger: logger)
        var entries: [Entry] = []
        for try await row in rows.decode((Date, String, String, [String], String, String?, [String], String?, Int, String?, String?).self) {
            entries.append(Entry(at: row.0, subject: row.1, tokenID: row.2, roles: row.3, action: row.4, schoolUrn: row.5, pupils: row.6,
                                 caseID: row.7, status: row.8, refusal: row.9, client: row.10))
        }
        return entries
    }

    /// Deletes rows older than the retention period; the number deleted.
    public static func deleteExpired(olderThan retention: Duration, on postgres: PostgresClient, logger: Logger) async throws -> Int {
        let seconds = Double(retention.components.seconds)
        return try await postgres.withTransaction(logger: logger) { connection in
            // The table's trigger lets only a transaction that says this delete rows.
            try await connection.query("SET LOCAL attendance.audit_retention = 'on'", logger: logger)
            let rows = try await connection.query("""
                WITH gone AS (DELETE FROM access_audit WHERE at < now() - make_interval(secs => \(seconds)) RETURNING 1) SELECT count(*) FROM gone
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
