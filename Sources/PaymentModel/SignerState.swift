/// One hot wallet's nonce sequence as the engine sees it.
public struct SignerState: Sendable, Hashable {
    public enum Role: String, Sendable, Codable, Hashable {
        case payment
        case mint
    }

    public var address: String
    public var role: Role
    /// The next nonce the engine will assign.
    public var nextNonce: Int64
    /// The chain's count of mined transactions from this address, as last seen.
    public var minedNonce: Int64?
    /// Transactions assigned a nonce but not yet confirmed.
    public var inFlight: Int
    /// Set when the signer must not send (e.g. out of gas money), with the reason.
    public var pausedReason: String?
    /// The signer's ETH balance in wei (decimal), as last read from the chain; nil when the
    /// daemon has not read it. With `transactionCostWei` it tells how many more transactions
    /// the signer can pay for, which `paymentd-health` warns about before the signer pauses.
    public var balanceWei: String?
    /// What one transaction of this signer costs at most at current fees (its gas limit times
    /// the max fee per gas), in wei (decimal); nil when not known.
    public var transactionCostWei: String?

    public init(address: String, role: Role, nextNonce: Int64, minedNonce: Int64?, inFlight: Int, pausedReason: String?,
                balanceWei: String? = nil, transactionCostWei: String? = nil) {
        self.address = address
        self.role = role
        self.nextNonce = nextNonce
        self.minedNonce = minedNonce
        self.inFlight = inFlight
        self.pausedReason = pausedReason
        self.balanceWei = balanceWei
        self.transactionCostWei = transactionCostWei
    }
}
