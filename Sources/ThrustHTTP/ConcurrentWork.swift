#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Runs `body(i)` for i in 0..<count on up to `width` POSIX threads, handing out indices from
/// one atomic counter so uneven work balances itself. Returns when every index is done.
/// Blocking work (an HTTP exchange, a batch of signatures) belongs here, not on Swift's
/// cooperative pool, which has only as many threads as cores.
public enum ConcurrentWork {
    fileprivate final class Work: @unchecked Sendable {
        let next = Atomic<Int>(0)
        let count: Int
        let body: @Sendable (Int) -> Void
        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }
        func drain() {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= count { return }
                body(i)
            }
        }
    }

    public static func forEach(count: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let threads = min(max(1, width), count)
        let running = Running(work: Work(count: count, body: body), threads: threads - 1)
        running.work.drain()   // the calling thread takes part
        running.join()
    }

    /// Starts `width` threads on `body(0..<count)` and returns at once; `wait()` joins them. The
    /// caller's thread stays free, e.g. to write the previous results while these are computed.
    public static func start(count: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) -> Running {
        Running(work: Work(count: count, body: body), threads: count == 0 ? 0 : min(max(1, width), count))
    }

    /// Threads draining one piece of work.
    public final class Running {
        fileprivate let work: Work
        private var ids: [pthread_t] = []

        fileprivate init(work: Work, threads: Int) {
            self.work = work
            for _ in 0..<threads {
                var tid = pthread_t()
                let ctx = Unmanaged.passRetained(work).toOpaque()
                let rc = pthread_create(&tid, nil, { raw in
                    Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue().drain()
                    return nil
                }, ctx)
                if rc == 0 { ids.append(tid) } else { Unmanaged<Work>.fromOpaque(ctx).release() }
            }
        }

        /// Waits for every index to be done. When no thread could be created the caller does the
        /// work itself, so no index is ever lost.
        public func wait() {
            if ids.isEmpty { work.drain() }
            join()
        }

        fileprivate func join() {
            for tid in ids { pthread_join(tid, nil) }
            ids = []
        }
    }
}

/// Preallocated result slots that worker threads fill by index (each index written once, read
/// after `ConcurrentWork.forEach` returns).
public final class Slots<T: Sendable>: @unchecked Sendable {
    /// Raw storage, allocated once: threads write distinct elements through the pointer, so no
    /// two accesses ever overlap (an Array property would be one exclusive access per write).
    private let storage: UnsafeMutableBufferPointer<T>

    public init(count: Int, initial: T) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    public func set(_ i: Int, _ v: T) { storage[i] = v }
    public func get(_ i: Int) -> T { storage[i] }
}
