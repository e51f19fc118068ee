import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
@testable import RegisterIngest
import ServiceRuntime
import Storage
import TestSupport
import Testing

/// deploy/postgres/init-roles.sh (what docker-compose's PostgreSQL runs at its first start) on a database of the local
/// cluster: each service gets a role owning its own schema only; register-ingest migrates and runs as its role; that
/// role can neither create a schema nor write into another service's.
@Suite("a PostgreSQL role per service", .serialized, .timeLimit(.minutes(2)))
struct DatabaseRolesTests {
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func eachServiceOwnsOnlyItsSchemaAndRegisterIngestRunsAsItsRole() async throws {
        let base = TestEnvironment.postgres(schema: "public")
        let database = TestEnvironment.uniqueSchema("roles")
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: secrets) }
        let roles = ["register_ingest", "meeting_scheduler"]
        var passwords: [String: String] = [:]
        for role in roles {
            passwords[role] = UUID().uuidString
            try Data((passwords[role]! + "\n").utf8).write(to: secrets.appendingPathComponent("db-\(role)"))
        }
        let admin = try await base.connect(logger: TestEnvironment.logger)
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: TestEnvironment.logger)
        do {
            // The image's entrypoint runs it with POSTGRES_USER and POSTGRES_DB; here the connection comes from PG*.
            let script = Process()
            script.executableURL = URL(fileURLWithPath: "/bin/bash")
            script.arguments = [Self.root.appendingPathComponent("deploy/postgres/init-roles.sh").path]
            script.environment = ProcessInfo.processInfo.environment.merging([
                "PGHOST": base.host, "PGPORT": String(base.port), "PGPASSWORD": base.password, "POSTGRES_USER": base.user, "POSTGRES_DB": database,
                "SECRETS_DIR": secrets.path, "SERVICE_ROLES": roles.joined(separator: " "),
                "PGCONNECT_TIMEOUT": "10", "PGOPTIONS": "-c lock_timeout=10s",
            ]) { $1 }
            try await ServiceBinary.runToEnd(script)
            #expect(script.terminationStatus == 0)

            let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
            defer { broker.stop() }
            let environment = TestEnvironment.serviceEnvironment(overrides: [
                "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)", "POSTGRES_USER": "register_ingest", "POSTGRES_PASSWORD": passwords["register_ingest"]!,
                "POSTGRES_DATABASE": database,
            ]).merging(try await TestIdentity.environment()) { $1 }
            let app = try await AccessFixture.app(RegisterIngest.descriptor, schema: "register_ingest", environment: environment)
            try await app.test(.router) { client in
                let ready = try await AccessFixture.call(client, .get, "/ready", token: nil)
                #expect(ready.status == 200, "\(ready.text)")
            }
            var own = base
            own.user = "register_ingest"
            own.password = passwords["register_ingest"]!
            own.database = database
            let ingest = try await own.connect(logger: TestEnvironment.logger)
            do {
                var tables = 0
                for try await count in try await ingest.query("SELECT count(*)::int FROM pg_tables WHERE schemaname = 'register_ingest' AND tableowner = 'register_ingest'",
                                                              logger: TestEnvironment.logger).decode(Int.self) { tables = count }
                #expect(tables > 3, "its migrations made its tables, owned by its role")
                for statement in ["CREATE SCHEMA intruder", "CREATE TABLE meeting_scheduler.intruder (x int)", "CREATE TABLE public.intruder (x int)"] {
                    await #expect(throws: (any Error).self, "\(statement) is refused") {
                        try await ingest.query(PostgresQuery(unsafeSQL: statement), logger: TestEnvironment.logger)
                    }
                }
            } catch {
                try? await ingest.close()
                throw error
            }
            try await ingest.close()
        } catch {
            try? await Self.dropDatabaseAndRoles(database, roles, admin)
            throw error
        }
        try await Self.dropDatabaseAndRoles(database, roles, admin)
    }

    /// The roles are the cluster's, not the database's: dropped too, so no login role outlives the test.
    static func dropDatabaseAndRoles(_ database: String, _ roles: [String], _ admin: PostgresConnection) async throws {
        do {
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)"), logger: TestEnvironment.logger)
            for role in roles { try await admin.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"), logger: TestEnvironment.logger) }
        } catch {
            try? await admin.close()
            throw error
        }
        try await admin.close()
    }
}
