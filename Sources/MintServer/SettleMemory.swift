import Foundation

/// The transaction each recent facilitator `/settle` answered with, by idempotency key.
///
/// Why it exists: an x402 resource server repeats a `/settle` that answered `settlement_pending`
/// with a hash, and takes the second answer as final. When paymentd cannot be asked at that
/// moment (restarting, its socket busy), answering without the hash makes the buyer pay again;
/// the hash this process already gave out is still the payment's, so it is given again. Only
/// this process's answers are kept (bounded, for `lifetime`), never a hash paymentd did not name.
actor SettleMemory {
    /// What was answered: the transaction, and whether paymentd had completed the payment.
    struct Answer: Sendable, Equatable {
        var transaction: String
        var completed: Bool
    }

    private var answers: [String: (answer: Answer, at: ContinuousClock.Instant)] = [:]
    private let capacity: Int
    private let lifetime: Duration

    init(capacity: Int = 10_000, lifetime: Duration = .seconds(600)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func remember(_ key: String, transaction: String?, completed: Bool) {
        guard let transaction, !transaction.isEmpty else { return }
        let now = ContinuousClock.now
        if answers.count >= capacity {
            answers = answers.filter { now - $0.value.at < lifetime }
            // Still full of live answers: the oldest make room.
            if answers.count >= capacity {
                for (key, _) in answers.sorted(by: { $0.value.at < $1.value.at }).prefix(capacity / 10 + 1) { answers[key] = nil }
            }
        }
        answers[key] = (Answer(transaction: transaction, completed: completed), now)
    }

    func answer(for key: String) -> Answer? {
        guard let entry = answers[key], ContinuousClock.now - entry.at < lifetime else { return nil }
        return entry.answer
    }
}
