import PaymentModel
import X402

/// What became of handing a payment to paymentd: the few outcomes a route or the facilitator
/// must tell apart, whatever the daemon's code was.
public enum Submission: Sendable, Equatable {
    /// Queued (or, `duplicate`, the same authorization already was): it will settle or fail on chain.
    case accepted(EnqueueResult)
    /// The payment does not pay (bad signature, wrong receiver or value, expiring, already used).
    case refused(X402Rejection)
    /// Not a payment problem but a bad request (quantity out of the product's range, a field paymentd refused).
    case invalidRequest(reason: String, message: String)
    /// The authorization is already queued as another payment: it will be paid there; never re-sign.
    case conflict(message: String)
    /// The payer has too many unsettled payments.
    case tooManyPending(count: Int?, message: String)
    /// The product cannot serve the purchase: nothing was queued or charged.
    case soldOut(message: String)
    /// paymentd could not be reached or could not act. `mayHaveRun`: the request may have been
    /// queued (a connection lost mid-request), so the same payment must be sent again, not a new one.
    case unavailable(message: String, mayHaveRun: Bool)
}
