import AttendanceDomain
import Foundation
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// `register-ingest token create --school URN` or `--la`: makes a new bearer token, stores only its
/// SHA-256 hash, and prints the token once on standard output.
enum TokenCommand {
    static let usage = "usage: register-ingest token create (--school URN | --la)"

    enum Scope: Equatable {
        case school(String)
        case localAuthority
    }

    /// Parses the arguments after the binary's name; nil when they are not a token command.
    static func scope(from arguments: [String]) throws(UsageError) -> Scope? {
        guard arguments.first == "token" else { return nil }
        switch Array(arguments.dropFirst()) {
        case ["create", "--la"]:
            return .localAuthority
        case let rest where rest.count == 3 && rest[0] == "create" && rest[1] == "--school":
            do { return .school(try URN(parsing: rest[2]).value) } catch { throw UsageError(message: "--school \(rest[2]): \(error.description)") }
        default:
            throw UsageError(message: usage)
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// 32 random bytes, base64url: what a person pastes into an MIS connector.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func run(_ scope: Scope, environment: [String: String]) async throws {
        let configuration = try ServiceConfiguration(environment: environment, service: RegisterIngest.descriptor)
        var logger = Logger(label: "register-ingest.token")
        logger.logLevel = .warning
        let postgres = try configuration.postgres.makeClient(logger: logger)
        let token = newToken()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            try await SchemaMigrator(schema: RegisterIngest.descriptor.schema, migrations: RegisterIngest.descriptor.migrations)
                .apply(using: postgres, logger: logger)
            let hash = IngestAuthenticator.hash(token)
            switch scope {
            case .school(let urn):
                try await postgres.query("INSERT INTO ingest_tokens (token_sha256, school_urn) VALUES (\(hash), \(urn))", logger: logger)
            case .localAuthority:
                try await postgres.query("INSERT INTO ingest_tokens (token_sha256, la_wide) VALUES (\(hash), true)", logger: logger)
            }
        }
        print(token)
    }
}
