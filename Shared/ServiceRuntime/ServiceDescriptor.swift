import Hummingbird
import Logging
import Messaging
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
    /// Whether `/ready` stays 200 while the broker is down (reported as degraded): true for a service whose
    /// outbox absorbs an outage (register-ingest); a service whose work is consuming is not ready without it.
    public let readyWithoutBroker: Bool

    public init(
        name: String, schema: String, defaultHTTPPort: Int, migrations: [Migration], readyWithoutBroker: Bool = false,
        components: @escaping @Sendable (ServiceContext) throws -> ServiceComponents = { _ in ServiceComponents() }
    ) {
        self.readyWithoutBroker = readyWithoutBroker
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
    /// Where components report a fatal problem (`/ready` then answers 503).
    public let health: ServiceHealth
}

/// A service's routes and services, added to the shared runtime. Services start after the PostgreSQL
/// pool and stop before it, in reverse order of this list.
public struct ServiceComponents {
    public var services: [any Service]
    /// Adds the service's API to a group that has already authenticated the caller and writes the access
    /// audit; each route names its roles with ``RequireRoles``.
    public var routes: (RouterGroup<ServiceRequestContext>) -> Void
    /// What the service holds about a pupil, for subject access and erasure.
    public var personalData: PersonalData
    /// A connector token accepted without being stored (LA-wide), for the demo and the tests.
    public var environmentConnectorToken: String?

    public init(services: [any Service] = [], personalData: PersonalData = .none, environmentConnectorToken: String? = nil,
                routes: @escaping (RouterGroup<ServiceRequestContext>) -> Void = { _ in }) {
        self.services = services
        self.routes = routes
        self.personalData = personalData
        self.environmentConnectorToken = environmentConnectorToken
    }
}

extension ServiceContext {
    /// The service's Kafka producer and the relay that publishes its outbox through it, with the configured
    /// delivery timeout and retention. Both are services to run (producer first, so it stops last).
    public func outboxPublisher() throws -> (producer: KafkaProducer, relay: OutboxRelay) {
        var producerConfiguration = KafkaProducerConfiguration(client: configuration.kafka)
        producerConfiguration.deliveryTimeout = configuration.kafkaDeliveryTimeout
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let relay = OutboxRelay(client: postgres, producer: producer, logger: logger,
                                settings: .init(deliveryTimeout: producerConfiguration.deliveryTimeout, retention: configuration.outboxRetention),
                                health: health)
        return (producer, relay)
    }
}
