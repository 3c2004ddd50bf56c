import Ethereum
import JSON

/// The parts of a block header the engine needs: where the chain's head is, its hash (to notice
/// a reorg through `parentHash`), its time (authorization windows are checked against block
/// time), and its base fee (to price the next transactions).
public struct BlockHeader: Sendable, Hashable {
    public let number: UInt64
    public let hash: Bytes32
    public let parentHash: Bytes32
    /// Unix seconds.
    public let timestamp: UInt64
    /// Required: paymentd runs on EIP-1559 chains only, so a header without one is refused.
    public let baseFeePerGas: UInt256
    public let gasLimit: UInt64
    public let gasUsed: UInt64
    /// The hashes of the block's transactions, in block order.
    public let transactionHashes: [Bytes32]

    public init(number: UInt64, hash: Bytes32, parentHash: Bytes32, timestamp: UInt64, baseFeePerGas: UInt256,
                gasLimit: UInt64, gasUsed: UInt64, transactionHashes: [Bytes32]) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
        self.baseFeePerGas = baseFeePerGas
        self.gasLimit = gasLimit
        self.gasUsed = gasUsed
        self.transactionHashes = transactionHashes
    }

    /// Reads a block as `eth_getBlockBy*` returns it with full transactions off.
    init(rpc value: JSONValue, method: String) throws(ChainError) {
        self = try ChainError.reading(method) { () throws(JSONShapeError) in
            let block = try JSONObjectReader(value, path: "block")
            return BlockHeader(number: try block.uint64("number"), hash: try block.bytes32("hash"),
                               parentHash: try block.bytes32("parentHash"), timestamp: try block.uint64("timestamp"),
                               baseFeePerGas: try block.uint256("baseFeePerGas"), gasLimit: try block.uint64("gasLimit"),
                               gasUsed: try block.uint64("gasUsed"),
                               transactionHashes: try block.elements("transactions", RPCValue.bytes32(_:field:)))
        }
    }
}
