import Synchronization

/// Lets enqueue wake the send loop at once instead of waiting out its interval. A signal sent
/// while the loop is busy is remembered, so no enqueue is ever slept through.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        let alreadySignalled = state.withLock { state -> Bool in
            defer { state.pending = false }
            return state.pending
        }
        if alreadySignalled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { self.signal() }
            }
            await group.next()
            group.cancelAll()
        }
        // If the timer and a real signal raced, one spurious early wake follows: harmless.
    }
}
