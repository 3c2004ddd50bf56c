import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fixed table of `KillTarget`s that a signal handler may read: no locks, no allocation.
final class KillTargets: @unchecked Sendable {
    /// The table `ExitCleanup` fills and the crash handlers read.
    static let shared = KillTargets(capacity: 1024)

    // @unchecked Sendable: `slots` is allocated and initialised once in `init` and never freed;
    // afterwards every slot is only touched through its `Atomic` operations, which are safe
    // from any thread and from a signal handler.
    private let slots: UnsafeMutablePointer<Atomic<Int64>>
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        for index in 0..<capacity { (slots + index).initialize(to: Atomic(0)) }
    }

    func add(_ target: KillTarget) {
        let packed = target.packed
        for index in 0..<capacity where slots[index].compareExchange(expected: 0, desired: packed, ordering: .sequentiallyConsistent).exchanged {
            return
        }
        preconditionFailure("More than \(capacity) child processes are registered for cleanup at once; a test leaks children.")
    }

    func remove(pid: pid_t) {
        for index in 0..<capacity {
            let packed = slots[index].load(ordering: .sequentiallyConsistent)
            if packed != 0, KillTarget(packed: packed).pid == pid {
                _ = slots[index].compareExchange(expected: packed, desired: 0, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Signals every target once and empties the table. Async-signal-safe.
    func fireAll() {
        for index in 0..<capacity {
            let packed = slots[index].exchange(0, ordering: .sequentiallyConsistent)
            if packed != 0 { KillTarget(packed: packed).fire() }
        }
    }
}
