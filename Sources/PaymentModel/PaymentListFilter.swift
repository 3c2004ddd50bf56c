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
    /// Only the payment of this EIP-3009 authorization nonce (0x-hex; with `payer`, one payment per token).
    public var nonce: String?
    /// At most this many, newest first.
    public var limit: Int

    public init(status: PaymentStatus? = nil, payer: String? = nil, olderThanSeconds: Double? = nil, settlementLost: Bool = false,
                refundDue: Bool = false, nonce: String? = nil, limit: Int = 50) {
        self.refundDue = refundDue
        self.nonce = nonce
        self.status = status
        self.payer = payer
        self.olderThanSeconds = olderThanSeconds
        self.settlementLost = settlementLost
        self.limit = limit
    }
}
