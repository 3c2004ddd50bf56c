import Ethereum
import JSON

/// One event a contract emitted in a mined transaction.
///
/// The engine reads `AuthorizationUsed` and `Transfer` from USDC (proof that an authorization
/// settled, by us or by a front-runner) and `TokensMinted` from the mint contract. Block number
/// and hash are kept so a log from an orphaned block can be recognised after a reorg.
public struct LogEntry: Sendable, Hashable {
    public let address: Address
    public let topics: [Bytes32]
    public let data: [UInt8]
    public let blockNumber: UInt64
    public let blockHash: Bytes32
    public let transactionHash: Bytes32
    public let transactionIndex: UInt64
    /// Position in the block (not in the transaction).
    public let logIndex: UInt64
    /// True when the node reports the log as undone by a reorg (subscriptions and filters).
    public let removed: Bool

    public init(address: Address, topics: [Bytes32], data: [UInt8], blockNumber: UInt64, blockHash: Bytes32,
                transactionHash: Bytes32, transactionIndex: UInt64, logIndex: UInt64, removed: Bool) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
        self.removed = removed
    }

    init(rpc value: JSONValue, method: String, what: String) throws(ChainError) {
        self = try ChainError.reading(method) { () throws(JSONShapeError) in
            try LogEntry(rpc: JSONObjectReader(value, path: what))
        }
    }

    init(rpc log: JSONObjectReader) throws(JSONShapeError) {
        self.init(address: try log.address("address"), topics: try log.elements("topics", RPCValue.bytes32(_:field:)),
                  data: try log.data("data"), blockNumber: try log.uint64("blockNumber"), blockHash: try log.bytes32("blockHash"),
                  transactionHash: try log.bytes32("transactionHash"),
                  transactionIndex: try log.uint64("transactionIndex"), logIndex: try log.uint64("logIndex"),
                  removed: try log.optionalBool("removed") ?? false)
    }
}
