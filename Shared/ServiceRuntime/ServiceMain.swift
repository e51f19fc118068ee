import Foundation
import Logging
import Hummingbird
import Messaging
import Storage

/// The whole of a service's `main`: configuration, logging and metrics, then run until SIGTERM or SIGINT.
public enum ServiceMain {
    /// Exit status for a configuration error (a missing or malformed environment variable).
    public static let configurationErrorStatus: Int32 = 78  // EX_CONFIG

    public static func run(_ descriptor: ServiceDescriptor, environment: [String: String] = ProcessInfo.processInfo.environment) async -> Never {
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(environment: environment, service: descriptor)
        } catch {
            // One line, naming the variable; nothing has started yet.
            FileHandle.standardError.write(Data("\(descriptor.name): configuration error: \(error)\n".utf8))
            exit(configurationErrorStatus)
        }
        let registry = Observability.bootstrap(configuration: configuration)
        var logger = Logger(label: descriptor.name)
        logger[metadataKey: "service"] = "\(descriptor.name)"
        logger.notice("starting", metadata: [
            "librdkafka": "\(KafkaVersion.librdkafka)",
            "http": "\(configuration.httpHost):\(configuration.httpPort)",
            "postgres": "\(configuration.postgres.host):\(configuration.postgres.port)/\(configuration.postgres.database) schema \(configuration.postgres.schema)",
            "kafka.bootstrap": "\(configuration.kafka.bootstrapServers)",
        ])
        do {
            let app = try ServiceApplication.make(descriptor, configuration: configuration, environment: environment, logger: logger, registry: registry)
            try await app.runService()
            logger.notice("stopped")
            exit(0)
        } catch {
            logger.critical("stopping on an error", metadata: ["error": "\(String(reflecting: error))"])
            exit(1)
        }
    }
}
