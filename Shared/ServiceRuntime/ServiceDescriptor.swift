import Storage

/// What distinguishes one service from another at start-up: its name, its schema, its port, its migrations.
public struct ServiceDescriptor: Sendable {
    /// The binary's name, for example `register-ingest`.
    public let name: String
    /// The PostgreSQL schema the service owns, for example `register_ingest`.
    public let schema: String
    public let defaultHTTPPort: Int
    /// Forward-only migrations of the service's schema; the first is ``StandardTables/migration``.
    public let migrations: [Migration]

    public init(name: String, schema: String, defaultHTTPPort: Int, migrations: [Migration]) {
        self.name = name
        self.schema = schema
        self.defaultHTTPPort = defaultHTTPPort
        self.migrations = migrations
    }
}
