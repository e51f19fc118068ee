import Logging
import PostgresNIO
import Storage
import TestSupport
import Testing

@Suite("Schema migrations against the real PostgreSQL", .timeLimit(.minutes(2)))
struct SchemaMigratorTests {
    let logger = TestEnvironment.logger

    static let migrations = [
        StandardTables.migration,
        Migration(version: 2, name: "marks", statements: [
            "CREATE TABLE marks (school text NOT NULL, upn text NOT NULL, PRIMARY KEY (school, upn))",
            "CREATE INDEX marks_by_upn ON marks (upn)",
        ]),
    ]

    /// Tables, columns and indexes of a schema, as text, to compare before and after.
    static func snapshot(_ schema: String, client: PostgresClient, logger: Logger) async throws -> [String] {
        var lines: [String] = []
        let columns = try await client.query("""
            SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
            WHERE table_schema = \(schema) ORDER BY 1
            """, logger: logger)
        for try await line in columns.decode(String.self) { lines.append(line) }
        let indexes = try await client.query("SELECT indexdef FROM pg_indexes WHERE schemaname = \(schema) ORDER BY 1", logger: logger)
        for try await line in indexes.decode(String.self) { lines.append(line) }
        let applied = try await client.query("SELECT version || ' ' || name || ' ' || checksum FROM \(unescaped: schema).schema_migrations ORDER BY version", logger: logger)
        for try await line in applied.decode(String.self) { lines.append(line) }
        return lines
    }

    @Test func runningMigrationsTwiceChangesNothingTheSecondTime() async throws {
        let schema = TestEnvironment.uniqueSchema("mig")
        try await TestEnvironment.withPostgres(schema: schema) { client in
            let migrator = SchemaMigrator(schema: schema, migrations: Self.migrations)
            #expect(try await migrator.apply(using: client, logger: logger) == [1, 2])
            let first = try await Self.snapshot(schema, client: client, logger: logger)
            #expect(first.contains { $0.hasPrefix("outbox.event_id") })
            #expect(first.contains { $0.hasPrefix("marks.school") })
            #expect(try await migrator.apply(using: client, logger: logger) == [])
            #expect(try await Self.snapshot(schema, client: client, logger: logger) == first)
        }
    }

    @Test func aNewMigrationIsAppliedAloneOnTheNextStart() async throws {
        let schema = TestEnvironment.uniqueSchema("mig")
        try await TestEnvironment.withPostgres(schema: schema) { client in
            _ = try await SchemaMigrator(schema: schema, migrations: [StandardTables.migration]).apply(using: client, logger: logger)
            #expect(try await SchemaMigrator(schema: schema, migrations: Self.migrations).apply(using: client, logger: logger) == [2])
        }
    }

    @Test func anEditedMigrationIsRefused() async throws {
        let schema = TestEnvironment.uniqueSchema("mig")
        try await TestEnvironment.withPostgres(schema: schema) { client in
            _ = try await SchemaMigrator(schema: schema, migrations: Self.migrations).apply(using: client, logger: logger)
            let edited = [StandardTables.migration, Migration(version: 2, name: "marks", statements: ["CREATE TABLE marks (x int)"])]
            await #expect(throws: StorageError.migrationChanged(schema: schema, version: 2, name: "marks")) {
                try await SchemaMigrator(schema: schema, migrations: edited).apply(using: client, logger: logger)
            }
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let schema = TestEnvironment.uniqueSchema("mig")
        try await TestEnvironment.withPostgres(schema: schema) { client in
            let broken = [StandardTables.migration, Migration(version: 2, name: "broken", statements: [
                "CREATE TABLE half_done (x int)",
                "CREATE TABLE oops (x no_such_type)",
            ])]
            await #expect(throws: (any Error).self) {
                try await SchemaMigrator(schema: schema, migrations: broken).apply(using: client, logger: logger)
            }
            let rows = try await client.query(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = \(schema)", logger: logger)
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }

    @Test func instancesStartingTogetherApplyEachMigrationOnce() async throws {
        let schema = TestEnvironment.uniqueSchema("mig")
        try await TestEnvironment.withPostgres(schema: schema) { client in
            let migrator = SchemaMigrator(schema: schema, migrations: Self.migrations)
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<3 { group.addTask { try await migrator.apply(using: client, logger: logger) } }
                var all: [Int] = []
                for try await versions in group { all += versions }
                return all
            }
            #expect(applied.sorted() == [1, 2])
        }
    }

    @Test func schemaNamesMustBePlainIdentifiers() async throws {
        #expect(throws: StorageError.invalidIdentifier("x\"; DROP")) { try SQLIdentifier("x\"; DROP") }
        #expect(throws: StorageError.invalidIdentifier("1abc")) { try SQLIdentifier("1abc") }
        #expect(try SQLIdentifier("register_ingest").quoted == "\"register_ingest\"")
    }
}
