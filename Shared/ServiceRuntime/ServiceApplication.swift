import Hummingbird
import Logging
import Messaging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Storage

/// Assembles a service: its PostgreSQL pool, its migrations, its broker probe and its HTTP endpoints.
///
/// Shutdown (SIGTERM or SIGINT): the HTTP server stops accepting and finishes open requests, then the
/// PostgreSQL pool closes (Hummingbird's ServiceGroup stops services in reverse order).
public enum ServiceApplication {
    public static func make(
        _ descriptor: ServiceDescriptor,
        configuration: ServiceConfiguration,
        environment: [String: String] = [:],
        logger: Logger,
        registry: PrometheusCollectorRegistry
    ) async throws -> some ApplicationProtocol {
        let postgres = try configuration.postgres.makeClient(logger: logger)
        let probe = try KafkaBrokerProbe(configuration: configuration.kafka, logger: logger)

        let health = ServiceHealth()
        let router = Router(context: ServiceRequestContext.self)
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(LogRequestsMiddleware(.debug))
        OperationalRoutes.add(
            to: router,
            checks: [PostgresReadinessCheck(client: postgres, logger: logger),
                     KafkaReadinessCheck(probe: probe, required: !descriptor.readyWithoutBroker),
                     ServiceHealthCheck(health: health)],
            registry: registry)
        let components = try descriptor.components(
            ServiceContext(configuration: configuration, environment: environment, postgres: postgres, logger: logger, health: health))
        // The API: every route below authenticates its caller and writes the access audit; each route
        // group then names the roles it serves (RequireRoles).
        let verifier = try await TokenVerifier.make(
            settings: configuration.identity, environmentConnectorToken: components.environmentConnectorToken, postgres: postgres, logger: logger)
        let api = router.group()
            .add(middleware: AuthenticationMiddleware(verifier: verifier))
            .add(middleware: AccessAuditMiddleware(postgres: postgres, logger: logger))
        AuditRoutes(postgres: postgres, logger: logger).add(to: api)
        SubjectAccessRoutes(service: descriptor.name, personalData: components.personalData, postgres: postgres, logger: logger).add(to: api)
        components.routes(api)

        var app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: descriptor.name),
            services: [postgres] + components.services
                + [AuditRetention(retention: configuration.identity.auditRetention, postgres: postgres, logger: logger)],
            logger: logger)
        let migrator = SchemaMigrator(schema: configuration.postgres.schema, migrations: descriptor.migrations)
        let deadline = configuration.startupTimeout
        app.beforeServerStarts {
            try await applyMigrations(migrator, client: postgres, logger: logger, giveUpAfter: deadline)
        }
        return app
    }

    /// Applies the migrations, retrying while PostgreSQL is unreachable, for at most `giveUpAfter`.
    static func applyMigrations(_ migrator: SchemaMigrator, client: PostgresClient, logger: Logger, giveUpAfter: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: giveUpAfter)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let applied = try await migrator.apply(using: client, logger: logger)
                logger.notice("schema up to date", metadata: ["db.schema": "\(migrator.schema)", "db.migrations.applied": "\(applied)"])
                return
            } catch let error as StorageError {
                throw error  // a wrong migration does not fix itself by waiting
            } catch {
                guard clock.now < deadline else { throw error }
                logger.warning("PostgreSQL not reachable yet; retrying", metadata: ["attempt": "\(attempt)", "error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
