import Foundation
import PaymentModel
import PaymentStore

extension SettlementEngine {
    /// How long a request waits for a database that went away to accept connections again
    /// before it is refused: a restart takes a second or two, a managed failover longer.
    static let databaseReconnectWindow: Duration = .seconds(10)

    /// Runs a request's database work and turns its failure into the protocol's error. Work
    /// that meets a dead session waits for the database and runs once more where
    /// `DatabaseFailureReaction` says that is safe.
    @discardableResult
    func database<T>(_ work: DatabaseWork, _ body: () async throws -> T) async throws(PaymentError) -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch {
                switch DatabaseFailureReaction.decide(error, work: work, attempt: attempt) {
                case .refuse(let refusal):
                    if DatabaseFailureReaction.connectionFailure(error) != nil {
                        logger.warning("request refused: database unavailable", metadata: ["error": "\(error)", "attempts": "\(attempt)"])
                    }
                    throw refusal
                case .reconnectAndRetry:
                    logger.notice("database session lost during a request; reconnecting to run it again", metadata: ["error": "\(error)"])
                    await waitForDatabase()
                    attempt += 1
                }
            }
        }
    }

    /// Returns once one of the request sessions (re)connects, or when the window has passed or
    /// the task was cancelled; the caller's next attempt tells which.
    private func waitForDatabase() async {
        let deadline = ContinuousClock.now + Self.databaseReconnectWindow
        while ContinuousClock.now < deadline, !Task.isCancelled {
            do {
                try await requests.next.connect()
                return
            } catch {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

extension PaymentRow {
    /// Whether this row is `payment` as an enqueue would have queued it: same authorization,
    /// amount, product and idempotency key. A retried insert that finds such a row found its own.
    func isSameQueuedPayment(as payment: NewPayment) -> Bool {
        payer == payment.payer && transfer?.nonce == payment.transfer.nonce && paymentToken == payment.paymentToken
            && amount == payment.amount && type == payment.type && token == payment.token
            && idempotencyKey == payment.idempotencyKey && metadata == payment.metadata
    }
}
