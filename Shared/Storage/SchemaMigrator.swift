import Logging
import PostgresNIO

/// Applies a service's migrations to the schema it owns, once each, in order.
///
/// All of it happens in one transaction under an advisory lock keyed by the schema, so two instances
/// starting together do not race, and a failed migration leaves nothing half-applied.
public struct SchemaMigrator: Sendable {
    public let schema: String
    public let migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        self.schema = schema
        self.migrations = migrations
    }

    /// Applies what is not yet applied. Returns the versions applied by this call (empty when up to date).
    @discardableResult
    public func apply(using client: PostgresClient, logger: Logger) async throws -> [Int] {
        let schema = try SQLIdentifier(self.schema)
        let versions = migrations.map(\.version)
        guard versions == versions.sorted(), Set(versions).count == versions.count else {
            throw StorageError.migrationsOutOfOrder(schema: schema.name)
        }
        do {
            return try await applyInTransaction(schema: schema, using: client, logger: logger)
        } catch let error as PostgresTransactionError {
            // A refusal of ours is the error to report, not the transaction that carried it.
            if let refusal = error.closureError as? StorageError { throw refusal }
            throw error
        }
    }

    private func applyInTransaction(schema: SQLIdentifier, using client: PostgresClient, logger: Logger) async throws -> [Int] {
        let migrations = self.migrations
        return try await client.withTransaction(logger: logger) { connection in
            // hashtext gives a stable int4 per schema name; the lock is released at commit or rollback.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("migrations:" + schema.name)))", logger: logger)
            // Created only when missing: in production the schema is made beforehand, owned by the service's own role, which
            // has no right to create schemas (and PostgreSQL checks that right even for CREATE SCHEMA IF NOT EXISTS).
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema.name)", logger: logger).decode(Int.self) { exists = true }
            if !exists { try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema.quoted)"), logger: logger) }
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema.quoted)"), logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: [Int: String] = [:]
            for try await (version, checksum) in try await connection.query(
                "SELECT version, checksum FROM schema_migrations", logger: logger
            ).decode((Int, String).self) {
                applied[version] = checksum
            }
            let known = Set(migrations.map(\.version))
            if let stranger = applied.keys.sorted().first(where: { !known.contains($0) }) {
                throw StorageError.unknownMigrationApplied(schema: schema.name, version: stranger)
            }
            var newlyApplied: [Int] = []
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw StorageError.migrationChanged(schema: schema.name, version: migration.version, name: migration.name)
                    }
                    continue
                }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                    logger: logger)
                logger.info("applied migration", metadata: ["db.schema": "\(schema.name)", "db.migration": "\(migration.version) \(migration.name)"])
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}
