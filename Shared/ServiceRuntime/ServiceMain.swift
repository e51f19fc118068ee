import Foundation
import Logging
import Hummingbird
import Messaging
import ServiceLifecycle
import UnixSignals
import Storage

/// The whole of a service's `main`: configuration, logging and metrics, then run until SIGTERM or SIGINT.
public enum ServiceMain {
    /// Exit status for a configuration error (a missing or malformed environment variable).
    public static let configurationErrorStatus: Int32 = 78  // EX_CONFIG

    /// A command besides serving, such as `absence-detector rebuild`: gets the arguments after its name.
    public typealias Command = @Sendable (_ arguments: [String], _ environment: [String: String]) async throws -> Void

    /// The entry point of a service binary: no arguments serves; `token ...` makes or revokes tokens
    /// (``TokenCommand``); `commands` are the service's own. A wrong command line exits 64 with one line.
    public static func main(_ descriptor: ServiceDescriptor, commands: [String: Command] = [:]) async -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        guard let name = arguments.first else { await run(descriptor, environment: environment) }
        func fail(_ error: any Error) -> Never {
            FileHandle.standardError.write(Data("\(descriptor.name): \(error)\n".utf8))
            exit(error is CommandLineError ? 64 : 1)
        }
        do {
            if try await TokenCommand.runIfToken(arguments, descriptor: descriptor, environment: environment) {
                // done
            } else if let command = commands[name] {
                try await command(Array(arguments.dropFirst()), environment)
            } else {
                let known = (["token (create | revoke | issue)"] + commands.keys.sorted()).joined(separator: ", ")
                throw CommandLineError(message: "unknown command \(arguments.joined(separator: " ")); commands: \(known), or none to serve")
            }
        } catch {
            fail(error)
        }
        exit(0)
    }

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
            let app = try await ServiceApplication.make(descriptor, configuration: configuration, environment: environment, logger: logger, registry: registry)
            // Shutdown is bounded: after the grace period the services still stopping are cancelled, and a service that
            // ignores cancellation too stops the process (service-lifecycle's fatal error) rather than hang it.
            var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = configuration.shutdownGrace
            group.maximumCancellationDuration = .seconds(5)
            try await ServiceGroup(configuration: group).run()
            logger.notice("stopped")
            exit(0)
        } catch {
            logger.critical("stopping on an error", metadata: ["error": "\(String(reflecting: error))"])
            exit(1)
        }
    }
}
