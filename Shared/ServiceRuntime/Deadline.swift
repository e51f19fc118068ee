import Synchronization

/// The operation did not answer within its time.
public struct DeadlinePassed: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `operation` in a task of its own and answers with its outcome, or throws ``DeadlinePassed`` once
/// `limit` has passed: the task is then cancelled and abandoned, not awaited.
///
/// For calls that may never return even when cancelled, such as a PostgreSQL query sent on a connection
/// that died under it (seen with postgres-nio when the server restarts): the caller goes on, and whatever
/// the abandoned call held (its connection) is left to fail on its own.
public func abandoningAfter<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome: Result<T, any Error> = await withCheckedContinuation { continuation in
        let first = FirstOutcome(continuation)
        let work = Task {
            do {
                first.give(.success(try await operation()))
            } catch {
                first.give(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            if first.give(.failure(DeadlinePassed(limit: limit))) { work.cancel() }
        }
        // The work answering first ends the timer's sleep, so finished calls leave no task behind.
        Task {
            _ = await work.value
            timer.cancel()
        }
    }
    return try outcome.get()
}

/// Resumes a continuation with the first outcome given; later ones are dropped.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Result<T, any Error>, Never>?>

    init(_ continuation: CheckedContinuation<Result<T, any Error>, Never>) { self.continuation = Mutex(continuation) }

    /// True when this outcome was the first.
    @discardableResult
    func give(_ outcome: Result<T, any Error>) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(returning: outcome)
        return true
    }
}
