import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics. Called once, from a service's `main`; tests never call it.
public enum Observability {
    /// Bootstraps swift-log (JSON lines or text on standard output) and swift-metrics (Prometheus),
    /// and returns the registry that `/metrics` serves.
    public static func bootstrap(configuration: ServiceConfiguration) -> PrometheusCollectorRegistry {
        let service = configuration.serviceName
        let level = configuration.logLevel
        switch configuration.logFormat {
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, service: service, level: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
