import Logging
import NIOSSL
import PostgresNIO

/// Where a service's PostgreSQL is and which schema it owns.
public struct PostgresSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var database: String
    /// The schema this service owns; its connections use it as their search path.
    public var schema: String
    public var maximumConnections: Int
    public var tls: TLSMode

    /// As libpq's `sslmode`: `disable`; `require` (encrypted, the server's certificate not checked); `verifyFull`
    /// (encrypted, the certificate checked against the CA file and the host name).
    public enum TLSMode: Sendable, Hashable {
        case disable
        case require
        case verifyFull(caFile: String)
    }

    public init(host: String, port: Int = 5432, user: String, password: String, database: String, schema: String, maximumConnections: Int = 10,
                tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.maximumConnections = maximumConnections
        self.tls = tls
    }

    /// A pooled client. Run it (it is a `Service`) before leasing connections.
    public func makeClient(logger: Logger) throws(StorageError) -> PostgresClient {
        let schema = try SQLIdentifier(self.schema)
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: clientTLS())
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(3)
        // Every statement of the service resolves unqualified names in its own schema, and nowhere else.
        configuration.options.additionalStartupParameters = [("search_path", schema.quoted)]
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}

extension PostgresSettings {
    /// One connection with these settings, outside any pool: a failure to connect (refused, a certificate not trusted) is
    /// thrown at once instead of being retried. For tools and tests.
    public func connect(logger: Logger) async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS = try tlsConfiguration().map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        let configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }

    func clientTLS() -> PostgresClient.Configuration.TLS {
        tlsConfiguration().map { .require($0) } ?? .disable
    }

    /// The client's TLS settings for the mode; nil when TLS is off.
    func tlsConfiguration() -> TLSConfiguration? {
        switch tls {
        case .disable:
            return nil
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        case .verifyFull(let caFile):
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = .file(caFile)
            return configuration
        }
    }
}

/// A schema or table name checked to be a plain lower-case identifier, so it can be put into SQL text.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) throws(StorageError) {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard !name.isEmpty, name.count <= 63, allowed, let first = name.utf8.first, !(first >= 48 && first <= 57) else {
            throw .invalidIdentifier(name)
        }
        self.name = name
    }

    /// The identifier in double quotes, ready for SQL text.
    public var quoted: String { "\"\(name)\"" }
    public var description: String { name }
}
