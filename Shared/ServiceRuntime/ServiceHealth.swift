import Synchronization

/// What a service's components report about themselves for `/ready`: a component that can no longer do
/// its job (a fatal Kafka error) marks the service unready before the process stops.
public final class ServiceHealth: Sendable {
    private let fatal = Mutex<String?>(nil)

    public init() {}

    /// Records the first fatal problem; `/ready` answers 503 naming it from now on.
    public func markFatal(_ reason: String) {
        fatal.withLock { current in if current == nil { current = reason } }
    }

    public var fatalReason: String? { fatal.withLock { $0 } }
}

/// Down once any component has reported a fatal problem.
public struct ServiceHealthCheck: ReadinessCheck {
    public let name = "service"
    let health: ServiceHealth

    public init(health: ServiceHealth) { self.health = health }

    public func check() async throws {
        if let reason = health.fatalReason { throw ReadinessFailure(reason: reason) }
    }
}
