import Logging
import PostgresNIO
import Storage

extension LocalStack {
    /// A client of the stack's database whose search path is `schema` (run it in a task).
    public func postgres(schema: String, logger: Logger) throws -> PostgresClient {
        try PostgresSettings(
            host: values["POSTGRES_HOST"]!, port: Int(values["POSTGRES_PORT"]!)!, user: values["POSTGRES_USER"]!,
            password: values["POSTGRES_PASSWORD"]!, database: values["POSTGRES_DATABASE"]!, schema: schema, maximumConnections: 2
        ).makeClient(logger: logger)
    }

    /// Drops a run's schemas once its services have stopped, so that runs do not pile up gigabytes.
    public func dropSchemas(_ schemas: [String], logger: Logger) async throws {
        let client = try postgres(schema: "public", logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await client.run() }
            defer { tasks.cancelAll() }
            for schema in schemas {
                try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
            }
        }
    }
}
