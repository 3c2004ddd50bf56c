import Ethereum
import JSON

/// How a payment settled: the transaction and block, the settling pair's log index, what to
/// store in `result`, and the mint jobs the completion creates.
public struct PaymentSettlement: Sendable, Hashable {
    public var paymentID: String
    public var txHash: Bytes32
    public var blockNumber: UInt64
    public var blockHash: Bytes32
    /// The logIndex of the settling `AuthorizationUsed` log (nil for a legacy row whose
    /// authorization cannot be read: it settles by its own receipt only).
    public var logIndex: UInt64?
    /// Stored in `result`: e.g. `{"settled_by": "other_transaction"}` when another account's
    /// transaction used the authorization.
    public var result: JSONValue
    public var mints: [NewMintJob]

    public init(paymentID: String, txHash: Bytes32, blockNumber: UInt64, blockHash: Bytes32, logIndex: UInt64?, result: JSONValue,
                mints: [NewMintJob]) {
        self.paymentID = paymentID
        self.txHash = txHash
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.logIndex = logIndex
        self.result = result
        self.mints = mints
    }
}
