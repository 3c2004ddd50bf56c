/// The answer to an enqueue.
public struct EnqueueResult: Sendable, Hashable {
    public var paymentID: String
    public var status: PaymentStatus
    /// True when the idempotency key named a payment that already existed.
    public var duplicate: Bool

    public init(paymentID: String, status: PaymentStatus, duplicate: Bool) {
        self.paymentID = paymentID
        self.status = status
        self.duplicate = duplicate
    }
}
