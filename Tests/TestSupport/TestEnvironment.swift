import Foundation
import Logging
import PostgresNIO
import Storage

/// Where the tests find the real PostgreSQL and broker that deploy/local/start runs.
/// The defaults are deploy/local/env.sh's; the environment overrides them.
public enum TestEnvironment {
    public static let values = ProcessInfo.processInfo.environment

    public static var postgresHost: String { values["POSTGRES_HOST"] ?? "127.0.0.1" }
    public static var postgresPort: Int { values["POSTGRES_PORT"].flatMap(Int.init) ?? 55432 }
    public static var kafkaBootstrapServers: String { values["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:19092" }

    /// The variables a service needs, pointing at the local infrastructure.
    public static func serviceEnvironment(overrides: [String: String] = [:]) -> [String: String] {
        var env = [
            "POSTGRES_HOST": postgresHost,
            "POSTGRES_PORT": String(postgresPort),
            "POSTGRES_USER": values["POSTGRES_USER"] ?? "attendance",
            "POSTGRES_PASSWORD": values["POSTGRES_PASSWORD"] ?? "attendance",
            "POSTGRES_DATABASE": values["POSTGRES_DATABASE"] ?? "attendance",
            "KAFKA_BOOTSTRAP_SERVERS": kafkaBootstrapServers,
            "LOG_LEVEL": "warning",
        ]
        env.merge(overrides) { _, new in new }
        return env
    }

    public static func postgres(schema: String) -> PostgresSettings {
        let env = serviceEnvironment()
        return PostgresSettings(
            host: env["POSTGRES_HOST"]!, port: Int(env["POSTGRES_PORT"]!)!, user: env["POSTGRES_USER"]!,
            password: env["POSTGRES_PASSWORD"]!, database: env["POSTGRES_DATABASE"]!, schema: schema, maximumConnections: 4)
    }

    /// A schema name no other test uses.
    public static func uniqueSchema(_ prefix: String = "t") -> String {
        "\(prefix)_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    public static var logger: Logger {
        var logger = Logger(label: "tests")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with a running client whose search path is `schema`; drops the schema afterwards.
    public static func withPostgres<T: Sendable>(schema: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = try postgres(schema: schema).makeClient(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                let result = try await body(client)
                try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
                return result
            } catch {
                _ = try? await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
                throw error
            }
        }
    }
}
