import Foundation
import PostgresNIO
import TestSupport

/// Reaching meeting-scheduler's own schema from a test: the services run in schemas with generated names, so the one
/// that holds a given row is looked up.
enum SchedulerFixture {
    /// The scheduler schema in which `table` has a row where `column` = `value`.
    static func schema(_ postgres: PostgresClient, table: String, column: String, value: String) async throws -> String {
        let schemas = try await postgres.query("SELECT table_schema FROM information_schema.tables WHERE table_name = \(table)", logger: TestEnvironment.logger)
        var candidates: [String] = []
        for try await schema in schemas.decode(String.self) { candidates.append(schema) }
        for schema in candidates {
            let rows = try await postgres.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \"\(schema)\".\(table) WHERE \(column)::text = '\(value)'"),
                                                logger: TestEnvironment.logger)
            for try await count in rows.decode(Int.self) where count > 0 { return schema }
        }
        throw Missing(what: "\(table).\(column) = \(value)")
    }

    struct Missing: Error { var what: String }

    /// The notification requests in the scheduler's outbox, decoded, oldest first.
    static func outboxRequests(_ postgres: PostgresClient, schema: String) async throws -> [[String: Any]] {
        let rows = try await postgres.query(PostgresQuery(unsafeSQL: """
            SELECT convert_from(payload, 'UTF8') FROM "\(schema)".outbox WHERE topic = 'notification.requests' ORDER BY id
            """), logger: TestEnvironment.logger)
        var found: [[String: Any]] = []
        for try await text in rows.decode(String.self) {
            if let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let data = json["data"] as? [String: Any] { found.append(data) }
        }
        return found
    }
}
