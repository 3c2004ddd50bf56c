import LineProtocolClient
import PaymentModel

/// Waits for a queued payment to reach a terminal state, up to a deadline, woken by
/// `PaymentSignals` and reading `status` at least every `pollInterval`.
///
/// It never turns "not yet" into an error: past the deadline, or when paymentd stops
/// answering meanwhile, the latest snapshot known (or none) is returned as still pending,
/// because a queued payment will still settle.
public struct SettlementWaiter: Sendable {
    /// What the wait found.
    public enum Outcome: Sendable, Equatable {
        case completed(PaymentSnapshot)
        /// Failed (`failed`, `confirmation_failed`): nothing was charged so far. paymentd watches
        /// it until its authorization expires; a later use that pays completes it.
        case failed(PaymentSnapshot)
        /// Not settled yet at the deadline (nil: paymentd could not be asked).
        case pending(PaymentSnapshot?)
    }

    private let client: PaymentdClient
    private let signals: PaymentSignals
    private let pollInterval: Duration

    public init(client: PaymentdClient, signals: PaymentSignals, pollInterval: Duration = .seconds(1)) {
        self.client = client
        self.signals = signals
        self.pollInterval = pollInterval
    }

    /// Waits up to `wait` for completion; a payment still unsigned then is waited on up to
    /// `signature` more (from the start) for its transaction hash, and returned pending the
    /// moment it has one.
    public func outcome(of paymentID: String, within wait: Duration, signature: Duration = .zero) async -> Outcome {
        let start = ContinuousClock.now
        let deadline = start + wait
        let signatureDeadline = start + max(wait, signature)
        let token = await signals.subscribe(paymentID)
        var latest: PaymentSnapshot?
        defer { Task { await signals.cancel(token) } }
        while true {
            do throws(PaymentdClientError) {
                let snapshot = try await client.status(paymentID: paymentID)
                latest = snapshot
                switch snapshot.status {
                case .completed: return .completed(snapshot)
                case .failed, .confirmationFailed: return .failed(snapshot)
                case .pending, .processing, .sent: break
                }
            } catch {
                if case .remote = error { return .pending(latest) }
            }
            var left = deadline - ContinuousClock.now
            if left <= .zero, latest.map({ $0.txHash == nil }) ?? false {
                left = signatureDeadline - ContinuousClock.now
            }
            guard left > .zero, !Task.isCancelled else { return .pending(latest) }
            await signals.wait(token, timeout: min(left, pollInterval))
        }
    }
}
