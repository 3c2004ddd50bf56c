import Foundation

/// Wakes the requests waiting for a payment when paymentd reports a change to it.
///
/// A waiter subscribes *before* it reads the payment's status, so a change between that read
/// and its wait is not lost: the subscription remembers it and the wait returns at once.
/// Every wait also has a timeout, so a lost event (a watch connection that dropped) only delays
/// a waiter until its next status read.
public actor PaymentSignals {
    private struct Waiter {
        var paymentID: String
        var fired = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private var waiters: [UUID: Waiter] = [:]
    private var byPayment: [String: Set<UUID>] = [:]

    public init() {}

    /// Starts listening for changes to `paymentID`; pair with `wait` and `cancel`.
    public func subscribe(_ paymentID: String) -> UUID {
        let token = UUID()
        waiters[token] = Waiter(paymentID: paymentID)
        byPayment[paymentID, default: []].insert(token)
        return token
    }

    /// Returns when a change came since `subscribe` (or the last `wait`), or after `timeout`.
    public func wait(_ token: UUID, timeout: Duration) async {
        guard let waiter = waiters[token], !waiter.fired else {
            waiters[token]?.fired = false
            return
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiters[token]?.continuation = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.resume(token)
            }
        }
        waiters[token]?.fired = false
    }

    public func cancel(_ token: UUID) {
        resume(token)
        if let id = waiters.removeValue(forKey: token)?.paymentID {
            byPayment[id]?.remove(token)
            if byPayment[id]?.isEmpty == true { byPayment[id] = nil }
        }
    }

    /// A change to `paymentID` happened.
    public func notify(_ paymentID: String) {
        for token in byPayment[paymentID] ?? [] {
            waiters[token]?.fired = true
            resume(token)
        }
    }

    /// Anything may have changed (a watch connection was re-established).
    public func notifyAll() {
        for token in Array(waiters.keys) {
            waiters[token]?.fired = true
            resume(token)
        }
    }

    public var waiterCount: Int { waiters.count }

    private func resume(_ token: UUID) {
        guard let continuation = waiters[token]?.continuation else { return }
        waiters[token]?.continuation = nil
        continuation.resume()
    }
}
