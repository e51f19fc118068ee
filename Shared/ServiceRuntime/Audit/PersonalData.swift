import Logging
import PostgresNIO

/// What a service holds about a pupil, for subject access (UK GDPR Art. 15) and erasure (Art. 17): the
/// tables to export (each row matching `condition`, where `$1` is the UPN) and how to erase.
public struct PersonalData: Sendable {
    public struct Table: Sendable {
        public var name: String
        /// An SQL condition on the table's rows with `$1` for the UPN, for example `upn = $1`.
        public var condition: String
        public init(_ name: String, where condition: String) {
            self.name = name
            self.condition = condition
        }
    }

    public var tables: [Table]
    /// Erases the pupil's personal data in the given transaction, keeping what the law requires (the
    /// attendance register); answers the rows changed, by table.
    public var erase: @Sendable (_ upn: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> [String: Int]

    public init(tables: [Table], erase: @escaping @Sendable (String, PostgresConnection, Logger) async throws -> [String: Int]) {
        self.tables = tables
        self.erase = erase
    }

    /// A service that holds no pupil data of its own (its audit rows are exported all the same).
    public static let none = PersonalData(tables: []) { _, _, _ in [:] }

    /// Dead letters that name the pupil (a refused message is kept whole, names and contacts included) are
    /// deleted with every erasure, whatever the service.
    static func eraseDeadLetters(upn: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await execute("DELETE FROM outbox WHERE topic LIKE '%.dlq' AND position(convert_to($1::text, 'UTF8') in payload) > 0",
                          upn: upn, on: connection, logger: logger)
    }

    /// Runs `sql` with the UPN as `$1`; the number of rows it changed.
    public static func execute(_ sql: String, upn: String, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var bindings = PostgresBindings()
        bindings.append(upn)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql + " RETURNING 1", binds: bindings), logger: logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// Every table's matching rows as one JSON object (`{"table": [rows...]}`), built by PostgreSQL, the
    /// pupil's access-audit rows last. Outbox rows are not exported: they are copies, in transit, of what the
    /// tables hold, and a roster event lists other children too.
    func export(upn: String, postgres: PostgresClient, logger: Logger) async throws -> String {
        let all = tables + [Table("access_audit", where: "pupils @> ARRAY[$1::text]")]
        let parts = all.map { table in
            "'\(table.name)', (SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb) FROM \(table.name) t WHERE \(table.condition))"
        }
        var bindings = PostgresBindings()
        bindings.append(upn)
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: "SELECT jsonb_build_object(\(parts.joined(separator: ", ")))::text", binds: bindings), logger: logger)
        for try await json in rows.decode(String.self) { return json }
        return "{}"
    }
}
