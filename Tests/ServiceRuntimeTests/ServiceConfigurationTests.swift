import Foundation
import Logging
import Messaging
import ServiceRuntime
import Storage
import Testing

@Suite("Configuration from the environment")
struct ServiceConfigurationTests {
    let descriptor = ServiceDescriptor(name: "register-ingest", schema: "register_ingest", defaultHTTPPort: 8081, migrations: [StandardTables.migration])
    let complete = [
        "POSTGRES_HOST": "db", "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "s3cret", "POSTGRES_DATABASE": "attendance",
        "KAFKA_BOOTSTRAP_SERVERS": "broker:9092",
    ]

    func error(removing name: String? = nil, setting extra: [String: String] = [:]) -> ConfigurationError? {
        var env = complete
        if let name { env[name] = nil }
        env.merge(extra) { _, new in new }
        do {
            _ = try ServiceConfiguration(environment: env, service: descriptor)
            return nil
        } catch {
            return error
        }
    }

    /// Kafka's transport security from named variables, as librdkafka's properties; the SASL password from its file.
    @Test func kafkaSecurityIsReadFromNamedVariables() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = directory.appendingPathComponent("password"), ca = directory.appendingPathComponent("ca.pem")
        try Data("scram-s3cret\n".utf8).write(to: password)
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: ca)
        var env = complete
        env.merge(["KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": "register-ingest",
                   "KAFKA_SASL_PASSWORD_FILE": password.path, "KAFKA_SSL_CA_FILE": ca.path]) { $1 }
        let security = try ServiceConfiguration(environment: env, service: descriptor).kafka.security
        #expect(security == KafkaSecurity(securityProtocol: .saslSSL, saslMechanism: .scramSHA512, saslUsername: "register-ingest",
                                          saslPassword: "scram-s3cret", caFile: ca.path))
        #expect(try ServiceConfiguration(environment: complete, service: descriptor).kafka.security == .plaintext)
        #expect(error(setting: ["KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_USERNAME": "u"])?.variable == "KAFKA_SASL_PASSWORD")
        #expect(error(setting: ["KAFKA_SECURITY_PROTOCOL": "tls"])?.variable == "KAFKA_SECURITY_PROTOCOL")
        #expect(error(setting: ["KAFKA_SECURITY_PROTOCOL": "ssl", "KAFKA_SSL_CA_FILE": "/nowhere/ca.pem"])?.variable == "KAFKA_SSL_CA_FILE")
        let refused = error(setting: ["KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "pw", "KAFKA_SASL_MECHANISM": "GSSAPI"])
        #expect(refused?.variable == "KAFKA_SASL_MECHANISM" && !"\(refused!)".contains("pw"))
    }

    /// PostgreSQL's TLS modes, as libpq names them; verify-full needs a readable CA file.
    @Test func postgresTLSModesAreReadAndVerifyFullNeedsItsCA() throws {
        var env = complete
        #expect(try ServiceConfiguration(environment: env, service: descriptor).postgres.tls == .disable)
        env["POSTGRES_SSLMODE"] = "require"
        #expect(try ServiceConfiguration(environment: env, service: descriptor).postgres.tls == .require)
        #expect(error(setting: ["POSTGRES_SSLMODE": "verify-full"])?.variable == "POSTGRES_SSLROOTCERT")
        #expect(error(setting: ["POSTGRES_SSLMODE": "verify-full", "POSTGRES_SSLROOTCERT": "/nowhere/ca.pem"])?.variable == "POSTGRES_SSLROOTCERT")
        #expect(error(setting: ["POSTGRES_SSLMODE": "prefer"])?.variable == "POSTGRES_SSLMODE")
    }

    /// A secret mounted as a file (`POSTGRES_PASSWORD_FILE`, as Docker and Kubernetes mount them): read without its
    /// trailing newline; a file that cannot be read names the variable and the path, never a value.
    @Test func aSecretComesFromItsFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)")
        try Data("from-a-file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var env = complete
        env["POSTGRES_PASSWORD"] = nil
        env["POSTGRES_PASSWORD_FILE"] = file.path
        #expect(try ServiceConfiguration(environment: env, service: descriptor).postgres.password == "from-a-file")
        env["POSTGRES_PASSWORD"] = "set-directly"
        #expect(try ServiceConfiguration(environment: env, service: descriptor).postgres.password == "set-directly", "the variable itself wins")
        env["POSTGRES_PASSWORD"] = nil
        env["POSTGRES_PASSWORD_FILE"] = "/nonexistent/secret"
        let refused = error(removing: "POSTGRES_PASSWORD", setting: ["POSTGRES_PASSWORD_FILE": "/nonexistent/secret"])
        #expect(refused?.description == "POSTGRES_PASSWORD_FILE=/nonexistent/secret is not valid: expected a readable file holding the PostgreSQL user's password")
    }

    @Test func defaultsApplyWhenOnlyTheRequiredVariablesAreSet() throws {
        let configuration = try ServiceConfiguration(environment: complete, service: descriptor)
        #expect(configuration.httpPort == 8081)
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.postgres.port == 5432)
        #expect(configuration.postgres.schema == "register_ingest")
        #expect(configuration.kafka.bootstrapServers == "broker:9092")
        #expect(configuration.logLevel == .info)
        #expect(configuration.outboxRetention == .seconds(7 * 24 * 3600))
    }

    @Test func theOutboxRetentionIsSetInHoursAndAZeroIsRefusedByName() throws {
        let configuration = try ServiceConfiguration(environment: complete.merging(["OUTBOX_RETENTION_HOURS": "24"]) { $1 }, service: descriptor)
        #expect(configuration.outboxRetention == .seconds(24 * 3600))
        #expect(error(setting: ["OUTBOX_RETENTION_HOURS": "0"])?.variable == "OUTBOX_RETENTION_HOURS")
    }

    @Test("each required variable, when missing, is named", arguments: ["POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DATABASE", "KAFKA_BOOTSTRAP_SERVERS"])
    func missingRequiredVariable(name: String) throws {
        let failure = try #require(error(removing: name))
        #expect(failure.variable == name)
        #expect(failure.problem == .missing)
        #expect(failure.description.hasPrefix("\(name) is not set: expected "))
        #expect(!failure.description.contains("\n"))
    }

    @Test func aTimeOfDayIsReadAsMinutesAndAMalformedOneIsNamed() throws {
        let env = EnvironmentReader(["AT": "07:30", "MIDNIGHT": "00:00", "LATE": "24:00", "WORDS": "half past", "SHORT": "10:"])
        #expect(try env.timeOfDay("AT", default: 0) == 450)
        #expect(try env.timeOfDay("MIDNIGHT", default: 9) == 0)
        #expect(try env.timeOfDay("UNSET", default: 870) == 870)
        for name in ["LATE", "WORDS", "SHORT"] {
            #expect(throws: ConfigurationError(variable: name, problem: .malformed(shownValue: env.string(name, default: "")), expected: "a time of day as HH:MM")) {
                try env.timeOfDay(name, default: 0)
            }
        }
    }

    @Test func aBlankValueCountsAsMissing() throws {
        #expect(try #require(error(setting: ["POSTGRES_HOST": "  "])).variable == "POSTGRES_HOST")
    }

    @Test func malformedValuesAreNamedWithWhatWasExpected() throws {
        #expect(try #require(error(setting: ["HTTP_PORT": "eighty"])).description == "HTTP_PORT=eighty is not valid: expected a TCP port number from 1 to 65535")
        #expect(try #require(error(setting: ["POSTGRES_PORT": "70000"])).variable == "POSTGRES_PORT")
        #expect(try #require(error(setting: ["LOG_LEVEL": "loud"])).description.contains("expected one of "))
        #expect(try #require(error(setting: ["KAFKA_BOOTSTRAP_SERVERS": "broker"])).variable == "KAFKA_BOOTSTRAP_SERVERS")
    }

    @Test func aSecretIsNeverRepeatedInAnError() throws {
        let env = EnvironmentReader(["POSTGRES_PASSWORD": "hunter2"])
        #expect(throws: ConfigurationError.self) { _ = try env.int("POSTGRES_PASSWORD", default: 1, range: 1...2, expected: "a number") }
        do {
            _ = try env.int("POSTGRES_PASSWORD", default: 1, range: 1...2, expected: "a number")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
