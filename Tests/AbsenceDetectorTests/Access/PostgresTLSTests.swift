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

/// PostgreSQL over TLS, against the local cluster (deploy/local/start: `ssl=on` with a certificate from a CA of its own,
/// and a role that pg_hba.conf refuses unless the connection is encrypted): verify-full connects and the server sees
/// TLS; no TLS is refused; a certificate from another CA is refused; and register-ingest runs as that role.
@Suite("PostgreSQL over TLS", .serialized, .timeLimit(.minutes(2)))
struct PostgresTLSTests {
    static func settings(_ tls: PostgresSettings.TLSMode, schema: String = "public") throws -> PostgresSettings {
        let environment = ProcessInfo.processInfo.environment
        let base = TestEnvironment.postgres(schema: schema)
        return PostgresSettings(host: base.host, port: base.port, user: try #require(environment["POSTGRES_TLS_USER"], "deploy/local/env.sh sets it"),
                                password: base.password, database: base.database, schema: schema, maximumConnections: 2, tls: tls)
    }

    static var ca: String { get throws { try #require(ProcessInfo.processInfo.environment["POSTGRES_TLS_CA_FILE"], "deploy/local/env.sh sets it") } }

    /// Whether a connection is encrypted, as the server's pg_stat_ssl reports it, and with which protocol.
    static func encryption(_ settings: PostgresSettings) async throws -> (ssl: Bool, version: String) {
        let connection = try await settings.connect(logger: TestEnvironment.logger)
        var found = (false, "")
        do {
            let rows = try await connection.query("SELECT ssl, coalesce(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: TestEnvironment.logger)
            for try await row in rows.decode((Bool, String).self) { found = row }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return found
    }

    @Test func verifyFullConnectsEncryptedAndPlainOrForeignCertificatesAreRefused() async throws {
        let verified = try await Self.encryption(try Self.settings(.verifyFull(caFile: try Self.ca)))
        #expect(verified.ssl && verified.version.hasPrefix("TLS"), "\(verified)")
        #expect(try await Self.encryption(try Self.settings(.require)).ssl)
        await #expect(throws: (any Error).self, "pg_hba.conf refuses the role without TLS") {
            _ = try await Self.encryption(try Self.settings(.disable))
        }
        // A CA that did not sign the server's certificate (the local SMTP server's self-signed one): the handshake fails.
        let foreign = try #require(ProcessInfo.processInfo.environment["SMTP_CA_FILE"], "deploy/local/env.sh sets it")
        await #expect(throws: (any Error).self, "a certificate from another CA is refused") {
            _ = try await Self.encryption(try Self.settings(.verifyFull(caFile: foreign)))
        }
    }

    @Test func registerIngestRunsAsTheTLSOnlyRole() async throws {
        let broker = try await TestBroker(port: TestEnvironment.freePort(), topics: TopicCatalogue.eventTopics.map(\.name), logger: TestEnvironment.logger)
        defer { broker.stop() }
        let schema = TestEnvironment.uniqueSchema("tls_ingest")
        let environment = TestEnvironment.serviceEnvironment(overrides: [
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(broker.port)", "POSTGRES_USER": try Self.settings(.disable).user,
            "POSTGRES_SSLMODE": "verify-full", "POSTGRES_SSLROOTCERT": try Self.ca,
        ]).merging(try await TestIdentity.environment()) { $1 }
        let app = try await AccessFixture.app(RegisterIngest.descriptor, schema: schema, environment: environment)
        try await TestEnvironment.withPostgres(schema: schema) { admin in
            try await app.test(.router) { client in
                let ready = try await AccessFixture.call(client, .get, "/ready", token: nil)
                #expect(ready.status == 200, "\(ready.text)")
                // Its migrations ran over TLS as that role, which owns its schema's tables; its pool's connections are encrypted.
                #expect(try await AccessFixture.count("SELECT count(*) FROM pg_tables WHERE schemaname = '\(schema)' AND tableowner = '\(try Self.settings(.disable).user)'", admin) > 3)
                #expect(try await AccessFixture.count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = '\(try Self.settings(.disable).user)' AND NOT s.ssl", admin) == 0)
                #expect(try await AccessFixture.count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = '\(try Self.settings(.disable).user)' AND s.ssl", admin) > 0)
            }
        }
    }
}
