import Dispatch

/// Runs blocking librdkafka calls on a dedicated serial thread, never on Swift's cooperative pool.
package final class BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the executor's thread and resumes the caller with its result.
    package func run<Result: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> Result) async throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(Failure) { continuation.resume(returning: .success(try body())) } catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try outcome.get()
    }
}

extension String {
    /// The text in a NUL-terminated buffer that C filled in.
    init(cBuffer: [CChar]) {
        self = cBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
