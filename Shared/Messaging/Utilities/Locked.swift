#if THREAD_SANITIZER
#if canImport(Glibc)
import Glibc
#endif

/// The lock Messaging's shared state is kept under. In a thread-sanitizer build (`-DTHREAD_SANITIZER`, see
/// `deploy/local/test-tsan`) it is a pthread mutex: the sanitizer models pthread locks, but not the futex
/// that `Synchronization.Mutex` uses on Linux, and would report every access made under one as a race.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
#else
import Synchronization

/// The lock Messaging's shared state is kept under (see the thread-sanitizer build above).
typealias Locked<Value> = Mutex<Value>
#endif
