import Ethereum

/// A mint job to create when a payment completes: one item, to one recipient, of one token.
public struct NewMintJob: Sendable, Hashable {
    public var paymentID: String
    public var index: Int
    public var payer: Address
    public var recipient: Address
    public var token: Address
    public var paymentTxHash: Bytes32
    /// The on-chain dedupe key: see `MintJobKey`.
    public var dedupeHash: Bytes32

    public init(paymentID: String, index: Int, payer: Address, recipient: Address, token: Address, paymentTxHash: Bytes32) {
        self.paymentID = paymentID
        self.index = index
        self.payer = payer
        self.recipient = recipient
        self.token = token
        self.paymentTxHash = paymentTxHash
        dedupeHash = MintJobKey.dedupeHash(paymentID: paymentID, index: index)
    }
}

/// The `txHash` argument of `mint`/`batchMint` for a job: keccak256 of
/// `"paymentd:mint:<payment uuid, lowercase>:<index>"`. It depends only on the payment and the
/// item, never on a clock, so however often a completion is replayed the contract sees the same
/// key and mints once.
public enum MintJobKey {
    public static func dedupeHash(paymentID: String, index: Int) -> Bytes32 {
        Bytes32.keccak256(Array("paymentd:mint:\(paymentID.lowercased()):\(index)".utf8))
    }
}
