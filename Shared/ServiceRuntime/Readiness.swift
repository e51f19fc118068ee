import Logging
import Messaging
import PostgresNIO

/// One dependency a service needs before it is ready: PostgreSQL, the Kafka broker, ...
public protocol ReadinessCheck: Sendable {
    /// The name shown in `/ready` when the dependency is down, for example `postgres`.
    var name: String { get }
    /// Throws when the dependency cannot be reached.
    func check() async throws
}

/// `SELECT 1` through the service's pool.
public struct PostgresReadinessCheck: ReadinessCheck {
    public let name = "postgres"
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func check() async throws {
        try await client.query("SELECT 1", logger: logger)
    }
}

/// A metadata request to the broker.
public struct KafkaReadinessCheck: ReadinessCheck {
    public let name = "kafka"
    let probe: KafkaBrokerProbe

    public init(probe: KafkaBrokerProbe) { self.probe = probe }

    public func check() async throws {
        let brokers = try await probe.brokerCount(timeout: .seconds(2))
        if brokers == 0 { throw ReadinessFailure(reason: "no brokers in the cluster metadata") }
    }
}

struct ReadinessFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The outcome of running every check, concurrently, each within a time limit.
public struct ReadinessReport: Sendable, Codable, Equatable {
    public var status: String
    /// The dependencies that are down, by name.
    public var down: [String]
    /// Each dependency's state: `ok` or why it is not.
    public var checks: [String: String]

    public var isReady: Bool { down.isEmpty }

    public static func run(_ checks: [any ReadinessCheck], timeout: Duration = .seconds(3)) async -> ReadinessReport {
        let results = await withTaskGroup(of: (String, String?).self) { group in
            for check in checks {
                group.addTask { (check.name, await outcome(of: check, timeout: timeout)) }
            }
            var results: [String: String?] = [:]
            for await (name, failure) in group { results[name] = failure }
            return results
        }
        let down = results.filter { $0.value != nil }.map(\.key).sorted()
        return ReadinessReport(
            status: down.isEmpty ? "ready" : "not ready",
            down: down,
            checks: results.mapValues { $0 ?? "ok" })
    }

    /// nil when the check passed, else a short reason.
    private static func outcome(of check: any ReadinessCheck, timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await check.check()
                    return nil
                } catch {
                    return "unreachable: \(shortReason(error))"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return "unreachable: no answer within \(timeout)"
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    /// A reason that carries no query text or personal data.
    private static func shortReason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            return "\(psql.code)"
        }
        if let kafka = error as? KafkaError { return kafka.reason }
        return String(describing: error)
    }
}
