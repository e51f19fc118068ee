import Foundation
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// `la-portal account add --username NAME --name "Full Name" --role ROLE [--role ...] [--school URN ...] [--pupil UPN ...]
/// [--cost N]`: creates or replaces a local account; the password is read from standard input (one line), never from
/// the command line, where other users of the machine could read it. `la-portal account unlock --username NAME`.
enum AccountCommand {
    static let usage = CommandLineError(message: """
        usage: la-portal account add --username NAME --name "FULL NAME" --role ROLE [--role ROLE ...] [--school URN ...] [--pupil UPN ...] < password
               la-portal account unlock --username NAME
        """)

    static func run(_ arguments: [String], environment: [String: String]) async throws {
        guard let verb = arguments.first else { throw usage }
        var values: [String: [String]] = [:]
        var index = 1
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else { throw usage }
            values[String(name.dropFirst(2)), default: []].append(arguments[index + 1])
            index += 2
        }
        guard let username = values["username"]?.last?.lowercased(), !username.isEmpty,
              username.allSatisfy({ $0.isLetter || $0.isNumber || ".-_@".contains($0) }) else {
            throw CommandLineError(message: "--username: required; letters, digits and . - _ @ only")
        }
        let options = values
        try await withStore(environment) { store in
            switch verb {
            case "add":
                let roles = try (options["role"] ?? []).map { name throws(CommandLineError) -> Role in
                    guard let role = Role(rawValue: name), role != .misConnector else {
                        throw CommandLineError(message: "--role \(name): expected one of \(Role.allCases.filter { $0 != .misConnector }.map(\.rawValue).joined(separator: ", "))")
                    }
                    return role
                }
                guard !roles.isEmpty else { throw CommandLineError(message: "--role: at least one is required") }
                let password = readLine(strippingNewline: true) ?? ""
                guard password.count >= 12 else { throw CommandLineError(message: "the password (standard input): at least 12 characters") }
                let cost = UInt8(options["cost"]?.last.flatMap(Int.init).map { min(max($0, 10), 15) } ?? 12)
                let account = Account(username: username, displayName: options["name"]?.last ?? username, roles: roles,
                                      schools: options["school"] ?? [], pupils: options["pupil"] ?? [])
                try await store.create(account, passwordHash: try await PasswordHasher.hash(password, cost: cost))
                print("account \(username): \(roles.map(\.rawValue).joined(separator: ", "))")
            case "unlock":
                guard try await store.unlock(username) else { throw CommandLineError(message: "--username \(username): no such account") }
                print("account \(username): unlocked")
            default:
                throw usage
            }
        }
    }

    static func withStore(_ environment: [String: String], _ body: @Sendable (AccountStore) async throws -> Void) async throws {
        let configuration = try ServiceConfiguration(environment: environment, service: LAPortal.descriptor, usesBroker: false)
        var logger = Logger(label: "la-portal.account")
        logger.logLevel = .warning
        let postgres = try configuration.postgres.makeClient(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            try await SchemaMigrator(schema: configuration.postgres.schema, migrations: LAPortal.descriptor.migrations).apply(using: postgres, logger: logger)
            try await body(AccountStore(postgres: postgres, logger: logger))
        }
    }
}
