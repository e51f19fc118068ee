import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle
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
    /// The service's own work: its routes and its long-running services (relays, consumers).
    public let components: @Sendable (ServiceContext) throws -> ServiceComponents

    public init(
        name: String, schema: String, defaultHTTPPort: Int, migrations: [Migration],
        components: @escaping @Sendable (ServiceContext) throws -> ServiceComponents = { _ in ServiceComponents() }
    ) {
        self.name = name
        self.schema = schema
        self.defaultHTTPPort = defaultHTTPPort
        self.migrations = migrations
        self.components = components
    }
}

/// What a service's own components are built from.
public struct ServiceContext: Sendable {
    public let configuration: ServiceConfiguration
    /// The environment, for the service's own variables (read them with ``EnvironmentReader``).
    public let environment: [String: String]
    public let postgres: PostgresClient
    public let logger: Logger
}

/// A service's routes and services, added to the shared runtime. Services start after the PostgreSQL
/// pool and stop before it, in reverse order of this list.
public struct ServiceComponents {
    public var services: [any Service]
    public var routes: (Router<BasicRequestContext>) -> Void

    public init(services: [any Service] = [], routes: @escaping (Router<BasicRequestContext>) -> Void = { _ in }) {
        self.services = services
        self.routes = routes
    }
}
