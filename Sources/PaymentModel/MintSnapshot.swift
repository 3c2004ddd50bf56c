/// One mint job of a payment.
public struct MintSnapshot: Sendable, Hashable {
    /// Position among the payment's mints (0-based); with the payment id it names the job.
    public var index: Int
    public var recipient: String
    public var status: MintStatus
    /// The on-chain dedupe key passed to `mint`/`batchMint` (derived from payment id and index).
    public var dedupeHash: String
    public var txHash: String?
    public var error: String?

    public init(index: Int, recipient: String, status: MintStatus, dedupeHash: String, txHash: String?, error: String?) {
        self.index = index
        self.recipient = recipient
        self.status = status
        self.dedupeHash = dedupeHash
        self.txHash = txHash
        self.error = error
    }
}
