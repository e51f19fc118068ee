import Foundation

/// Where the local PostgreSQL and broker are (deploy/local/env.sh's defaults, overridden by the
/// same environment variables the services read), and the environment a service is launched with.
public struct LocalStack: Sendable {
    public var values: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let defaults = [
            "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "55432", "POSTGRES_USER": "attendance",
            "POSTGRES_PASSWORD": "attendance", "POSTGRES_DATABASE": "attendance",
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19092",
        ]
        values = defaults.merging(environment.filter { defaults.keys.contains($0.key) }) { _, given in given }
    }

    public var bootstrapServers: String { values["KAFKA_BOOTSTRAP_SERVERS"]! }

    /// The environment for a service process: the stack, `PATH`, and the given settings.
    public func serviceEnvironment(_ settings: [String: String]) -> [String: String] {
        var environment = values.merging(settings) { _, given in given }
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        environment["LOG_FORMAT"] = environment["LOG_FORMAT"] ?? "text"
        environment["LOG_LEVEL"] = environment["LOG_LEVEL"] ?? "warning"
        return environment
    }

    /// A schema name no earlier run used.
    public static func freshSchema(_ prefix: String) -> String {
        "\(prefix)_\(UInt64(Date().timeIntervalSince1970))_\(UInt16.random(in: 0...UInt16.max))"
    }
}

/// A command-line mistake: printed as one line, exit status 64.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
