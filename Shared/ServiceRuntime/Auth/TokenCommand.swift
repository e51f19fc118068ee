import AttendanceDomain
import Foundation
import Logging
import PostgresNIO
import Storage

/// `<service> token create --school URN` or `--la`: makes a new bearer token, stores only its SHA-256
/// hash in the service's `access_tokens`, and prints the token once on standard output.
public enum TokenCommand {
    public static func usage(_ service: String) -> String { "usage: \(service) token create (--school URN | --la)" }

    public enum Scope: Equatable, Sendable {
        case school(String)
        case localAuthority
    }

    /// Parses the arguments after the binary's name; nil when they are not a token command.
    public static func scope(from arguments: [String], service: String) throws(CommandLineError) -> Scope? {
        guard arguments.first == "token" else { return nil }
        switch Array(arguments.dropFirst()) {
        case ["create", "--la"]:
            return .localAuthority
        case let rest where rest.count == 3 && rest[0] == "create" && rest[1] == "--school":
            do { return .school(try URN(parsing: rest[2]).value) } catch { throw CommandLineError(message: "--school \(rest[2]): \(error.description)") }
        default:
            throw CommandLineError(message: usage(service))
        }
    }

    /// 32 random bytes, base64url: what a person pastes into a connector or an API client.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Migrates the service's schema if needed, stores the new token's hash and prints the token.
    public static func run(_ scope: Scope, descriptor: ServiceDescriptor, environment: [String: String]) async throws {
        let configuration = try ServiceConfiguration(environment: environment, service: descriptor)
        var logger = Logger(label: "\(descriptor.name).token")
        logger.logLevel = .warning
        let postgres = try configuration.postgres.makeClient(logger: logger)
        let token = newToken()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            try await SchemaMigrator(schema: configuration.postgres.schema, migrations: descriptor.migrations).apply(using: postgres, logger: logger)
            let hash = BearerTokenAuthenticator.hash(token)
            switch scope {
            case .school(let urn):
                try await postgres.query("INSERT INTO access_tokens (token_sha256, school_urn) VALUES (\(hash), \(urn))", logger: logger)
            case .localAuthority:
                try await postgres.query("INSERT INTO access_tokens (token_sha256, la_wide) VALUES (\(hash), true)", logger: logger)
            }
        }
        print(token)
    }
}

/// Wrong command-line arguments: printed as one line, exit status 64.
public struct CommandLineError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
