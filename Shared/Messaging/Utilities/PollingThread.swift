import Foundation
import Synchronization

/// A dedicated thread that calls `poll` over and over until stopped: librdkafka's delivery reports and
/// statistics are served inside `rd_kafka_poll`, which blocks, so it never runs on the cooperative pool.
final class PollingThread: Sendable {
    /// Shared with the thread, which must not keep the PollingThread itself alive.
    private final class Control: Sendable {
        let running = Atomic<Bool>(true)
        let finished = DispatchSemaphore(value: 0)
    }
    private let control = Control()

    /// - Parameter poll: one blocking call with a short timeout (it bounds how long `stop` waits).
    init(name: String, poll: @escaping @Sendable () -> Void) {
        let control = self.control
        let thread = Thread {
            while control.running.load(ordering: .acquiring) { poll() }
            control.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop and waits until the thread has left it. Later calls return at once.
    func stop() {
        guard control.running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        control.finished.wait()
    }

    deinit { stop() }
}
