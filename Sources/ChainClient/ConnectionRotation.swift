import Foundation

/// Hands out connection indices round-robin, so requests from concurrent tasks spread over a
/// client's connections instead of queueing behind one.
final class ConnectionRotation: @unchecked Sendable {
    // @unchecked Sendable: `next` is only read and written while holding `lock`; `count` is
    // immutable.
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) {
        precondition(count > 0, "a rotation needs at least one connection")
        self.count = count
    }

    func take() -> Int {
        if count == 1 { return 0 }
        lock.lock()
        defer { lock.unlock() }
        let index = next
        next = (next + 1) % count
        return index
    }
}
