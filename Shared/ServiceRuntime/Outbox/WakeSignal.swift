import Synchronization

/// Lets one waiter sleep until a deadline or until someone calls ``signal()``, whichever comes first.
/// A signal while nobody waits is remembered (once), so a commit that lands just before the wait still
/// ends it at once. For one waiting loop at a time (a relay's).
///
/// (An `AsyncStream` does not do here: cancelling the task that awaits it finishes the stream for good,
/// and every later wait would return at once: a busy loop.)
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var expired = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init() {}

    /// Ends the current wait, or the next one if nobody waits.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after `timeout`, at a signal, or when the task is cancelled.
    public func wait(upTo timeout: Duration) async {
        state.withLock { $0.expired = false }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)  // cut short by cancellation: the signal came, or shutdown
                self.expire()
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.expired {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func expire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.expired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
