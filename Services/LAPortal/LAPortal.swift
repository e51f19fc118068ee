import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceRuntime
import Storage

/// `la-portal`: the LA attendance team's web portal. No arguments serves; `account add|unlock` manages local accounts.
@main
struct LAPortal {
    static let descriptor = ServiceDescriptor(name: "la-portal", schema: "la_portal", defaultHTTPPort: 8086, migrations: Migrations.all)

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        if arguments.first == "account" {
            do {
                try await AccountCommand.run(Array(arguments.dropFirst()), environment: environment)
                exit(0)
            } catch {
                FileHandle.standardError.write(Data("la-portal: \(error)\n".utf8))
                exit(error is CommandLineError ? 64 : 1)
            }
        }
        guard arguments.isEmpty else {
            FileHandle.standardError.write(Data("la-portal: unknown command \(arguments.joined(separator: " ")); commands: account (add | unlock), or none to serve\n".utf8))
            exit(64)
        }
        let configuration: ServiceConfiguration, settings: PortalSettings
        do {
            configuration = try ServiceConfiguration(environment: environment, service: descriptor, usesBroker: false)
            settings = try PortalSettings(environment: EnvironmentReader(environment, secrets: ["POSTGRES_PASSWORD", "PORTAL_OIDC_CLIENT_SECRET"]))
        } catch {
            FileHandle.standardError.write(Data("la-portal: configuration error: \(error)\n".utf8))
            exit(ServiceMain.configurationErrorStatus)
        }
        let registry = Observability.bootstrap(configuration: configuration)
        var logger = Logger(label: descriptor.name)
        logger[metadataKey: "service"] = "\(descriptor.name)"
        do {
            let app = try await PortalApplication.make(configuration: configuration, settings: settings, logger: logger, registry: registry)
            logger.notice("starting", metadata: ["http": "\(configuration.httpHost):\(configuration.httpPort)", "coordinator": "\(settings.coordinator)"])
            try await app.runService()
            exit(0)
        } catch {
            logger.critical("stopping on an error", metadata: ["error": "\(String(reflecting: error))"])
            exit(1)
        }
    }
}
