#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Runs `body(i)` for i in 0..<count on `jobs` POSIX threads, handing out indices from one atomic
/// counter so uneven work balances itself. Returns when every index is done.
enum Parallel {
    private final class Work: @unchecked Sendable {
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

    static func forEach(count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let work = Work(count: count, body: body)
        let threads = min(max(1, jobs), count)
        if threads <= 1 {
            work.drain()
            return
        }
        var ids: [pthread_t] = []
        for _ in 1..<threads {
            var tid = pthread_t()
            let ctx = Unmanaged.passRetained(work).toOpaque()
            let rc = pthread_create(&tid, nil, { raw in
                let w = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
                w.drain()
                return nil
            }, ctx)
            if rc == 0 { ids.append(tid) } else { Unmanaged<Work>.fromOpaque(ctx).release() }
        }
        work.drain()
        for tid in ids { pthread_join(tid, nil) }
    }
}
