import AttendanceDomain
import Foundation
import JWTKit
import Logging
import PostgresNIO
import Storage

/// `<service> token ...`: connector tokens for MIS connectors, and signed identity tokens for people.
///
/// - `token create (--school URN | --la) --label NAME [--days N]`: a connector token (default 365 days);
///   only its SHA-256 hash is stored in this service's `access_tokens`; the token is printed once.
/// - `token revoke --label NAME`: revokes that connector's tokens; `token revoke --id JTI [--reason TEXT]`:
///   revokes a signed token in this service. Both take effect on the next request.
/// - `token issue --subject ID --role ROLE [--role ...] [--school URN ...] [--pupil UPN ...] [--minutes N]`:
///   signs an identity token (default 480 minutes) with the key in `AUTH_SIGNING_KEY_FILE` (a private
///   JWK), for `AUTH_ISSUER` and `AUTH_AUDIENCE`. Locally this stands in for the LA's identity provider.
public enum TokenCommand {
    public static func usage(_ service: String) -> String {
        """
        usage: \(service) token create (--school URN | --la) --label NAME [--days N]
               \(service) token revoke (--label NAME | --id JTI [--reason TEXT])
               \(service) token issue --subject ID --role ROLE [--role ROLE ...] [--school URN ...] [--pupil UPN ...] [--minutes N]
        """
    }

    /// Runs the command when the arguments are a token command; false when they are not.
    public static func runIfToken(_ arguments: [String], descriptor: ServiceDescriptor, environment: [String: String]) async throws -> Bool {
        guard arguments.first == "token" else { return false }
        let usage = CommandLineError(message: usage(descriptor.name))
        guard arguments.count >= 2 else { throw usage }
        let options = try Options(Array(arguments.dropFirst(2)), usage: usage)
        switch arguments[1] {
        case "create": try await create(options, descriptor: descriptor, environment: environment)
        case "revoke": try await revoke(options, descriptor: descriptor, environment: environment)
        case "issue": print(try await issue(options, environment: environment))
        default: throw usage
        }
        return true
    }

    /// `--name value` pairs (a name may repeat) and bare `--flag`s.
    struct Options {
        var values: [String: [String]] = [:]
        init(_ arguments: [String], usage: CommandLineError) throws(CommandLineError) {
            var index = 0
            while index < arguments.count {
                let name = arguments[index]
                guard name.hasPrefix("--") else { throw usage }
                if name == "--la" { values["la", default: []].append(""); index += 1; continue }
                guard index + 1 < arguments.count else { throw CommandLineError(message: "\(name): a value is missing") }
                values[String(name.dropFirst(2)), default: []].append(arguments[index + 1])
                index += 2
            }
        }
        func one(_ name: String) -> String? { values[name]?.last }
        func all(_ name: String) -> [String] { values[name] ?? [] }
        func number(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(CommandLineError) -> Int {
            guard let text = one(name) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw CommandLineError(message: "--\(name) \(text): expected a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    static func create(_ options: Options, descriptor: ServiceDescriptor, environment: [String: String]) async throws {
        guard let label = options.one("label"), !label.isEmpty else { throw CommandLineError(message: "token create: --label NAME is required (it names the connector when revoking)") }
        let school: String?
        switch (options.one("school"), options.values["la"] != nil) {
        case (let urn?, false):
            do { school = try URN(parsing: urn).value } catch { throw CommandLineError(message: "--school \(urn): \(error.description)") }
        case (nil, true): school = nil
        default: throw CommandLineError(message: "token create: give either --school URN or --la")
        }
        let days = try options.number("days", default: 365, range: 1...1_825)
        let token = ConnectorTokens.newToken()
        try await withDatabase(descriptor: descriptor, environment: environment) { postgres, logger in
            try await ConnectorTokens.create(hash: ConnectorTokens.hash(token), label: label, school: school,
                                             expiresAt: Date().addingTimeInterval(Double(days) * 86_400), on: postgres, logger: logger)
        }
        print(token)
    }

    static func revoke(_ options: Options, descriptor: ServiceDescriptor, environment: [String: String]) async throws {
        switch (options.one("label"), options.one("id")) {
        case (let label?, nil):
            let count = try await withDatabase(descriptor: descriptor, environment: environment) { postgres, logger in
                try await ConnectorTokens.revoke(label: label, on: postgres, logger: logger)
            }
            guard count > 0 else { throw CommandLineError(message: "token revoke: no unrevoked connector token is labelled \(label)") }
            print("revoked \(count) connector token(s) labelled \(label)")
        case (nil, let id?):
            try await withDatabase(descriptor: descriptor, environment: environment) { postgres, logger in
                try await ConnectorTokens.revoke(tokenID: id, reason: options.one("reason") ?? "revoked by command", on: postgres, logger: logger)
            }
            print("revoked signed token \(id)")
        default:
            throw CommandLineError(message: "token revoke: give either --label NAME (a connector) or --id JTI (a signed token)")
        }
    }

    /// A signed identity token for the options' subject, roles and scope.
    static func issue(_ options: Options, environment: [String: String]) async throws -> String {
        guard let subject = options.one("subject"), !subject.isEmpty else { throw CommandLineError(message: "token issue: --subject ID is required") }
        var roles: [Role] = []
        for name in options.all("role") {
            guard let role = Role(rawValue: name), role != .misConnector else {
                throw CommandLineError(message: "--role \(name): expected one of \(Role.list(Role.allCases.filter { $0 != .misConnector }))")
            }
            roles.append(role)
        }
        guard !roles.isEmpty else { throw CommandLineError(message: "token issue: at least one --role is required") }
        for urn in options.all("school") where (try? URN(parsing: urn)) == nil { throw CommandLineError(message: "--school \(urn): not a URN") }
        for upn in options.all("pupil") where (try? UPN(parsing: upn)) == nil { throw CommandLineError(message: "--pupil \(upn): not a UPN") }
        let minutes = try options.number("minutes", default: 480, range: 1...10_080)
        guard let keyFile = environment["AUTH_SIGNING_KEY_FILE"], !keyFile.isEmpty else {
            throw CommandLineError(message: "token issue: AUTH_SIGNING_KEY_FILE (the private JWK; deploy/local/setup makes one) is not set")
        }
        let signer = try await TokenSigner(privateJWKFile: keyFile)
        let reader = EnvironmentReader(environment)
        let now = Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))  // NumericDate in whole seconds
        let claims = IdentityClaims(
            issuer: reader.string("AUTH_ISSUER", default: "attendance-pathway-local"), audience: reader.string("AUTH_AUDIENCE", default: "attendance-pathway"),
            subject: subject, expires: now.addingTimeInterval(Double(minutes) * 60), notBefore: now, issuedAt: now, id: UUID().uuidString.lowercased(),
            roles: roles, schools: options.all("school").isEmpty ? nil : options.all("school"), pupils: options.all("pupil").isEmpty ? nil : options.all("pupil"))
        return try await signer.sign(claims)
    }

    static func withDatabase<T: Sendable>(descriptor: ServiceDescriptor, environment: [String: String],
                                          _ body: @Sendable (PostgresClient, Logger) async throws -> T) async throws -> T {
        let configuration = try ServiceConfiguration(environment: environment, service: descriptor)
        var logger = Logger(label: "\(descriptor.name).token")
        logger.logLevel = .warning
        let postgres = try configuration.postgres.makeClient(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            defer { group.cancelAll() }
            try await SchemaMigrator(schema: configuration.postgres.schema, migrations: descriptor.migrations).apply(using: postgres, logger: logger)
            return try await body(postgres, logger)
        }
    }
}

/// Signs identity tokens with one private EdDSA key (a JWK with `d` and a `kid`).
public struct TokenSigner: Sendable {
    let keys: JWTKeyCollection
    let kid: JWKIdentifier

    public init(privateJWKFile path: String) async throws {
        let json: String
        do { json = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CommandLineError(message: "AUTH_SIGNING_KEY_FILE \(path): cannot be read") }
        try await self.init(privateJWK: json)
    }

    public init(privateJWK json: String) async throws {
        let jwk = try JSONDecoder().decode(JWK.self, from: Data(json.utf8))
        guard let kid = jwk.keyIdentifier else { throw CommandLineError(message: "the signing key has no kid") }
        keys = JWTKeyCollection()
        try await keys.add(jwk: jwk)
        self.kid = kid
    }

    public func sign(_ claims: IdentityClaims) async throws -> String {
        try await keys.sign(claims, kid: kid)
    }
}

/// Wrong command-line arguments: printed as one line, exit status 64.
public struct CommandLineError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
