import Ethereum
import JSON

/// What the node knows about a transaction by hash, mined or still in its pool.
///
/// The confirm loop uses it to tell a transaction that is waiting (known, `blockNumber` nil)
/// from one the node dropped or that was replaced (`eth_getTransactionByHash` answers null).
public struct TransactionInfo: Sendable, Hashable {
    public let hash: Bytes32
    public let nonce: UInt64
    public let from: Address
    public let to: Address?
    /// nil while the transaction is pending.
    public let blockNumber: UInt64?
    public let blockHash: Bytes32?
    /// nil for legacy transactions.
    public let maxFeePerGas: UInt256?
    public let maxPriorityFeePerGas: UInt256?

    public init(hash: Bytes32, nonce: UInt64, from: Address, to: Address?, blockNumber: UInt64?, blockHash: Bytes32?,
                maxFeePerGas: UInt256?, maxPriorityFeePerGas: UInt256?) {
        self.hash = hash
        self.nonce = nonce
        self.from = from
        self.to = to
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }

    /// True while the transaction waits in the pool.
    public var isPending: Bool { blockNumber == nil }

    init(rpc value: JSONValue, method: String) throws(ChainError) {
        self = try ChainError.reading(method) { () throws(JSONShapeError) in
            let tx = try JSONObjectReader(value, path: "transaction")
            return TransactionInfo(hash: try tx.bytes32("hash"), nonce: try tx.uint64("nonce"), from: try tx.address("from"),
                                   to: try tx.optionalAddress("to"), blockNumber: try tx.optionalUInt64("blockNumber"),
                                   blockHash: try tx.optionalBytes32("blockHash"), maxFeePerGas: try tx.optionalUInt256("maxFeePerGas"),
                                   maxPriorityFeePerGas: try tx.optionalUInt256("maxPriorityFeePerGas"))
        }
    }
}
