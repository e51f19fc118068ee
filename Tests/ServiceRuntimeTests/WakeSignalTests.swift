import ServiceRuntime
import Testing

/// The relay's idle wait: it sleeps its interval unless woken, a wake before the wait is kept, and a wait
/// after an early wake sleeps again (the busy loop an `AsyncStream` caused once cancelled).
@Suite("WakeSignal", .timeLimit(.minutes(1)))
struct WakeSignalTests {
    @Test func aWaitWithoutASignalLastsItsTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(200))
        #expect(start.duration(to: .now) >= .milliseconds(200))
    }

    @Test func aSignalEndsTheWaitEarlyAndTheNextWaitSleepsAgain() async {
        let signal = WakeSignal()
        let waker = Task {
            try await Task.sleep(for: .milliseconds(50))
            signal.signal()
        }
        let start = ContinuousClock.now
        await signal.wait(upTo: .seconds(30))
        #expect(start.duration(to: .now) < .seconds(20))
        _ = await waker.result
        for _ in 0..<3 {
            let again = ContinuousClock.now
            await signal.wait(upTo: .milliseconds(100))
            #expect(again.duration(to: .now) >= .milliseconds(100))
        }
    }

    @Test func aSignalBeforeTheWaitIsKeptOnce() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(upTo: .seconds(30))
        #expect(start.duration(to: .now) < .seconds(20))
        let second = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(100))
        #expect(second.duration(to: .now) >= .milliseconds(100))
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        let waiter = Task { await signal.wait(upTo: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(start.duration(to: .now) < .seconds(20))
    }
}
