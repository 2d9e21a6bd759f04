#if canImport(Glibc)
import Glibc
#endif

/// A value guarded by a POSIX mutex. Used instead of Synchronization's `Mutex` because
/// ThreadSanitizer sees pthread locks (it intercepts them) but not the futex inside the
/// uninstrumented standard library, so `--sanitize=thread` runs stay meaningful.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Safe across threads; not reentrant.
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
