/// Which payments `list` returns.
public struct PaymentListFilter: Sendable, Hashable {
    public var status: PaymentStatus?
    public var payer: String?
    /// Only payments created more than this many seconds ago.
    public var olderThanSeconds: Double?
    /// Only completed payments whose settlement was lost in a reorg.
    public var settlementLost: Bool
    /// Only paid payments with a mint that cannot be made and no refund recorded.
    public var refundDue: Bool
    /// At most this many, newest first.
    public var limit: Int

    public init(status: PaymentStatus? = nil, payer: String? = nil, olderThanSeconds: Double? = nil, settlementLost: Bool = false,
                refundDue: Bool = false, limit: Int = 50) {
        self.refundDue = refundDue
        self.status = status
        self.payer = payer
        self.olderThanSeconds = olderThanSeconds
        self.settlementLost = settlementLost
        self.limit = limit
    }
}
