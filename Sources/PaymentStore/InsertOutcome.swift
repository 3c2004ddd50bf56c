/// What happened to an insert.
public enum InsertOutcome: Sendable, Hashable {
    case inserted(PaymentRow)
    /// The idempotency key already names this payment.
    case existingKey(PaymentRow)
    /// The same authorization is already queued under another (or no) key.
    case duplicateAuthorization(PaymentRow)
    /// The payer has `count` unsettled payments already.
    case tooManyPending(count: Int)
    /// Its mint token cannot serve it: `remaining` items are left once the unsettled payments'
    /// items are counted.
    case soldOut(remaining: Int64)
}
