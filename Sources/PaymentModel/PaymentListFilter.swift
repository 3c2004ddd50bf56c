/// Which payments `list` returns.
public struct PaymentListFilter: Sendable, Hashable {
    public var status: PaymentStatus?
    public var payer: String?
    /// At most this many, newest first.
    public var limit: Int

    public init(status: PaymentStatus? = nil, payer: String? = nil, limit: Int = 50) {
        self.status = status
        self.payer = payer
        self.limit = limit
    }
}
