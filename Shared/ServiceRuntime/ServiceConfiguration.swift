import Foundation
import Logging
import Messaging
import Storage

/// The settings every service reads from its environment. See the README's table of variables.
public struct ServiceConfiguration: Sendable {
    public var serviceName: String
    /// `HTTP_HOST` (default `127.0.0.1`; `0.0.0.0` in containers).
    public var httpHost: String
    /// `HTTP_PORT` (default: the service's own, 8081 to 8085).
    public var httpPort: Int
    /// `LOG_LEVEL`: trace, debug, info, notice, warning, error, critical (default info).
    public var logLevel: Logger.Level
    /// `LOG_FORMAT`: json (one object per line, the default) or text.
    public var logFormat: LogFormat
    /// `POSTGRES_HOST` (required), `POSTGRES_PORT` (5432), `POSTGRES_USER` (required), `POSTGRES_PASSWORD`
    /// (required), `POSTGRES_DATABASE` (required), `POSTGRES_POOL_SIZE` (10), `POSTGRES_SCHEMA` (the service's own,
    /// for example `register_ingest`; benchmarks and process tests give each run its own).
    public var postgres: PostgresSettings
    /// `KAFKA_BOOTSTRAP_SERVERS` (required), `KAFKA_CLIENT_ID` (default: the service name).
    public var kafka: KafkaConfiguration
    /// `KAFKA_DELIVERY_TIMEOUT_MS`: how long a produced message may wait for the broker's acknowledgement
    /// before the send fails and is retried from the outbox (default 30000).
    public var kafkaDeliveryTimeout: Duration
    /// `OUTBOX_RETENTION_HOURS`: how long published outbox rows and inbox rows are kept (default 168, 7 days):
    /// they hold children's data, and the inbox must remember an event longer than it can be redelivered.
    public var outboxRetention: Duration
    /// `STARTUP_TIMEOUT_SECONDS`: how long to keep retrying PostgreSQL at start-up before giving up (default 60).
    public var startupTimeout: Duration
    /// `SHUTDOWN_GRACE_SECONDS`: how long a graceful shutdown (SIGTERM) may take before the services still running
    /// are cancelled (default 25, inside Kubernetes' default 30 s grace period).
    public var shutdownGrace: Duration
    /// `AUTH_ISSUER`, `AUTH_AUDIENCE`, `AUTH_JWKS_FILE`, `AUDIT_RETENTION_DAYS`: see ``IdentitySettings``.
    public var identity: IdentitySettings

    public enum LogFormat: String, Sendable { case json, text }

    /// `usesBroker: false` for a process that never talks to Kafka (the LA portal): `KAFKA_BOOTSTRAP_SERVERS` is then not read.
    public init(environment: [String: String], service: ServiceDescriptor, usesBroker: Bool = true) throws(ConfigurationError) {
        let env = EnvironmentReader(environment, secrets: Self.secrets)
        serviceName = service.name
        httpHost = env.string("HTTP_HOST", default: "127.0.0.1")
        httpPort = try env.port("HTTP_PORT", default: service.defaultHTTPPort)
        logLevel = try env.choice("LOG_LEVEL", default: .info, options: Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0.rawValue, $0) }))
        logFormat = try env.choice("LOG_FORMAT", default: .json, options: ["json": .json, "text": .text])
        postgres = PostgresSettings(
            host: try env.string("POSTGRES_HOST", expected: "the PostgreSQL server's host name or address"),
            port: try env.port("POSTGRES_PORT", default: 5432),
            user: try env.string("POSTGRES_USER", expected: "the PostgreSQL user name"),
            password: try env.string("POSTGRES_PASSWORD", expected: "the PostgreSQL user's password"),
            database: try env.string("POSTGRES_DATABASE", expected: "the PostgreSQL database name"),
            schema: try env.identifier("POSTGRES_SCHEMA", default: service.schema),
            maximumConnections: try env.int("POSTGRES_POOL_SIZE", default: 10, range: 1...200, expected: "a number of connections from 1 to 200"),
            tls: try Self.postgresTLS(env))
        kafka = KafkaConfiguration(
            bootstrapServers: usesBroker ? try env.hostPortList("KAFKA_BOOTSTRAP_SERVERS", expected: "host:port[,host:port...] of the Kafka brokers") : "",
            clientID: env.string("KAFKA_CLIENT_ID", default: service.name),
            security: try Self.kafkaSecurity(env))
        kafkaDeliveryTimeout = .milliseconds(try env.int("KAFKA_DELIVERY_TIMEOUT_MS", default: 30_000, range: 1_000...900_000, expected: "milliseconds from 1000 to 900000"))
        outboxRetention = .seconds(3600 * (try env.int("OUTBOX_RETENTION_HOURS", default: 168, range: 1...8760, expected: "hours from 1 to 8760")))
        startupTimeout = .seconds(try env.int("STARTUP_TIMEOUT_SECONDS", default: 60, range: 1...3600, expected: "seconds from 1 to 3600"))
        shutdownGrace = .seconds(try env.int("SHUTDOWN_GRACE_SECONDS", default: 25, range: 1...3600, expected: "seconds from 1 to 3600"))
        identity = try IdentitySettings(environment: env)
    }

    /// Variables whose values are never echoed, each also readable from `NAME_FILE`.
    public static let secrets: Set<String> = ["POSTGRES_PASSWORD", "KAFKA_SASL_PASSWORD", "KAFKA_SSL_KEY_PASSWORD"]

    /// `POSTGRES_SSLMODE` (`disable`, `require`: encrypted, the certificate not checked, `verify-full`: encrypted, the
    /// certificate checked against `POSTGRES_SSLROOTCERT` and the host name), as libpq names them.
    static func postgresTLS(_ env: EnvironmentReader) throws(ConfigurationError) -> PostgresSettings.TLSMode {
        let mode = try env.choice("POSTGRES_SSLMODE", default: "disable", options: ["disable": "disable", "require": "require", "verify-full": "verify-full"])
        switch mode {
        case "require": return .require
        case "verify-full":
            let file = try env.string("POSTGRES_SSLROOTCERT", expected: "the PEM file of the CA that signed the server's certificate (needed by verify-full)")
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigurationError(variable: "POSTGRES_SSLROOTCERT", problem: .malformed(shownValue: file), expected: "a readable PEM file")
            }
            return .verifyFull(caFile: file)
        default: return .disable
        }
    }

    /// `KAFKA_SECURITY_PROTOCOL` (`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT`, `SASL_SSL`), `KAFKA_SASL_MECHANISM` (`SCRAM-SHA-512`,
    /// `SCRAM-SHA-256`, `PLAIN`), `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD` (or `_FILE`), `KAFKA_SSL_CA_FILE`,
    /// `KAFKA_SSL_CERTIFICATE_FILE`, `KAFKA_SSL_KEY_FILE`, `KAFKA_SSL_KEY_PASSWORD` (or `_FILE`), `KAFKA_SSL_VERIFY_HOSTNAME`.
    static func kafkaSecurity(_ env: EnvironmentReader) throws(ConfigurationError) -> KafkaSecurity {
        let protocols = Dictionary(uniqueKeysWithValues: KafkaSecurity.SecurityProtocol.allCases.map { ($0.rawValue.lowercased(), $0) })
        let securityProtocol = try env.choice("KAFKA_SECURITY_PROTOCOL", default: .plaintext, options: protocols)
        var security = KafkaSecurity(securityProtocol: securityProtocol)
        if securityProtocol.usesSASL {
            let mechanisms = Dictionary(uniqueKeysWithValues: KafkaSecurity.SASLMechanism.allCases.map { ($0.rawValue.lowercased(), $0) })
            security.saslMechanism = try env.choice("KAFKA_SASL_MECHANISM", default: .scramSHA512, options: mechanisms)
            security.saslUsername = try env.string("KAFKA_SASL_USERNAME", expected: "the service's SASL user name on the cluster")
            security.saslPassword = try env.string("KAFKA_SASL_PASSWORD", expected: "the SASL user's password (or KAFKA_SASL_PASSWORD_FILE)")
        }
        if securityProtocol.usesTLS {
            for (name, keyPath) in [("KAFKA_SSL_CA_FILE", \KafkaSecurity.caFile), ("KAFKA_SSL_CERTIFICATE_FILE", \.certificateFile), ("KAFKA_SSL_KEY_FILE", \.keyFile)] {
                let file = env.string(name, default: "")
                guard !file.isEmpty else { continue }
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw ConfigurationError(variable: name, problem: .malformed(shownValue: file), expected: "a readable PEM file")
                }
                security[keyPath: keyPath] = file
            }
            let keyPassword = env.string("KAFKA_SSL_KEY_PASSWORD", default: "")
            security.keyPassword = keyPassword.isEmpty ? nil : keyPassword
            security.verifyHostname = try env.choice("KAFKA_SSL_VERIFY_HOSTNAME", default: true, options: ["true": true, "false": false])
        }
        return security
    }
}
