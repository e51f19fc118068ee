import Logging
import PostgresNIO
import ServiceLifecycle

/// Deletes access-audit rows older than the LA's retention period, once an hour.
struct AuditRetention: Service {
    let retention: Duration
    let postgres: PostgresClient
    let logger: Logger

    private var isShuttingDown: Bool { Task.isShuttingDownGracefully }

    func run() async throws {
        // Not at once: the schema may still be migrating. Each wait ends at shutdown.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        while !Task.isCancelled && !isShuttingDown {
            do {
                let deleted = try await AccessAudit.deleteExpired(olderThan: retention, on: postgres, logger: logger)
                if deleted > 0 { logger.info("access audit rows past retention deleted", metadata: ["rows": "\(deleted)"]) }
            } catch {
                logger.warning("access audit retention failed; next try in an hour", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
