import Foundation

/// A counting semaphore between a connection's reader (acquires one permit per request it
/// accepts) and its writer (releases one per response written): at most `size` requests of one
/// connection are read but unanswered, so a client that pipelines without reading stops being
/// read instead of growing the daemon's memory.
final class PipelineWindow: @unchecked Sendable {
    // @unchecked Sendable: `available` and `waiter` are only touched while holding `lock`, and
    // the stored continuation is resumed exactly once, after it is taken out under the lock.
    // There is a single acquirer (the connection's reader), so one waiter slot suffices.
    private let lock = NSLock()
    private var available: Int
    private var waiter: CheckedContinuation<Void, Never>?

    init(size: Int) {
        available = max(1, size)
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if available > 0 {
                available -= 1
                lock.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    func release() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
        } else {
            available += 1
            lock.unlock()
        }
    }
}
