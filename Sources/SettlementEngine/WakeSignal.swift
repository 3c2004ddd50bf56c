import Foundation
import Synchronization

/// Lets enqueue wake the send loop at once instead of waiting out its interval. A signal sent
/// while the loop is busy is remembered, so no enqueue is ever slept through; a cancelled
/// waiter returns at once, so shutdown never waits out an interval.
final class WakeSignal: Sendable {
    /// Why a `wait(timeout:)` returned.
    enum Wake: Sendable, Equatable {
        /// `signal()` was called while waiting, or before (a remembered signal).
        case signalled
        /// The timeout passed without a signal.
        case timedOut
        /// The waiting task was cancelled (before or during the wait) without a signal.
        case cancelled
    }

    private struct State {
        var pending = false
        var waiters: [UUID: CheckedContinuation<Wake, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Waiters parked in `wait(timeout:)` right now (for tests: a signal sent once this is
    /// positive wakes a waiter instead of being remembered).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Wake, Never>] in
            let all = Array(state.waiters.values)
            state.waiters.removeAll()
            if all.isEmpty { state.pending = true }
            return all
        }
        for waiter in waiters { waiter.resume(returning: .signalled) }
    }

    /// Returns when signalled, after `timeout`, or when the task is cancelled, whichever is
    /// first, and says which it was. A signal remembered from before the call counts as
    /// signalled (and is used up), even in a task already cancelled.
    @discardableResult
    func wait(timeout: Duration) async -> Wake {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
                let resumeNow = state.withLock { state -> Wake? in
                    if state.pending {
                        state.pending = false
                        return .signalled
                    }
                    if Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow {
                    continuation.resume(returning: resumeNow)
                    return
                }
                Task {
                    try? await Task.sleep(for: timeout)
                    self.resume(id, with: .timedOut)
                }
            }
        } onCancel: {
            resume(id, with: .cancelled)
        }
    }

    private func resume(_ id: UUID, with reason: Wake) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: reason)
    }
}
