import Logging
import Messaging
import PostgresNIO
import Synchronization

/// One dependency a service needs before it is ready: PostgreSQL, the Kafka broker, ...
public protocol ReadinessCheck: Sendable {
    /// The name shown in `/ready` when the dependency is down, for example `postgres`.
    var name: String { get }
    /// Throws when the dependency cannot be reached.
    func check() async throws
    /// Whether the service is unready without it. A service that can do its job without it for a while
    /// (register-ingest without the broker: its outbox holds the events) stays ready and says it is degraded.
    var isRequired: Bool { get }
}

extension ReadinessCheck {
    public var isRequired: Bool { true }
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
    public let isRequired: Bool
    let probe: KafkaBrokerProbe

    public init(probe: KafkaBrokerProbe, required: Bool = true) {
        self.probe = probe
        self.isRequired = required
    }

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
    /// The required dependencies that are down, by name: the service cannot do its job.
    public var down: [String]
    /// Dependencies that are down without stopping the service's job (it catches up when they return).
    public var degraded: [String]
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
        let required = Set(checks.filter(\.isRequired).map(\.name))
        let failing = results.filter { $0.value != nil }.map(\.key).sorted()
        let down = failing.filter { required.contains($0) }
        let degraded = failing.filter { !required.contains($0) }
        return ReadinessReport(
            status: !down.isEmpty ? "not ready" : (degraded.isEmpty ? "ready" : "ready, degraded"),
            down: down,
            degraded: degraded,
            checks: results.mapValues { $0 ?? "ok" })
    }

    /// nil when the check passed, else a short reason.
    ///
    /// The check runs in a task of its own, abandoned (and cancelled) at the timeout rather than awaited:
    /// a call that never returns, such as a query sent on a connection that died under it, must not hold
    /// `/ready`, which an orchestrator expects to answer in time.
    private static func outcome(of check: any ReadinessCheck, timeout: Duration) async -> String? {
        do {
            try await abandoningAfter(timeout) { try await check.check() }
            return nil
        } catch let late as DeadlinePassed {
            return "unreachable: \(late)"
        } catch {
            return "unreachable: \(shortReason(error))"
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
