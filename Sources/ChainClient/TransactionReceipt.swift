import Ethereum
import JSON

/// The outcome of a mined transaction: the proof the confirm loop waits for.
///
/// `succeeded` false means the transaction was mined and reverted (its nonce is used, its fee
/// paid); `blockHash` pins which block it is in, so a reorg that moves or drops it is noticed.
public struct TransactionReceipt: Sendable, Hashable {
    public let transactionHash: Bytes32
    public let transactionIndex: UInt64
    public let blockNumber: UInt64
    public let blockHash: Bytes32
    /// `status` 0x1.
    public let succeeded: Bool
    /// Gas used by this transaction alone.
    public let gasUsed: UInt64
    /// What each unit of gas cost: base fee + the tip actually paid.
    public let effectiveGasPrice: UInt256
    public let from: Address
    /// nil for a contract creation.
    public let to: Address?
    public let logs: [LogEntry]

    public init(transactionHash: Bytes32, transactionIndex: UInt64, blockNumber: UInt64, blockHash: Bytes32,
                succeeded: Bool, gasUsed: UInt64, effectiveGasPrice: UInt256, from: Address, to: Address?,
                logs: [LogEntry]) {
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.succeeded = succeeded
        self.gasUsed = gasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.from = from
        self.to = to
        self.logs = logs
    }

    init(rpc value: JSONValue, method: String) throws(ChainError) {
        self = try ChainError.reading(method) { () throws(JSONShapeError) in
            let receipt = try JSONObjectReader(value, path: "receipt")
            let status = try receipt.uint64("status")
            guard status <= 1 else { throw receipt.error("status", "is \(status), not 0 or 1") }
            return TransactionReceipt(
                transactionHash: try receipt.bytes32("transactionHash"),
                transactionIndex: try receipt.uint64("transactionIndex"),
                blockNumber: try receipt.uint64("blockNumber"), blockHash: try receipt.bytes32("blockHash"),
                succeeded: status == 1, gasUsed: try receipt.uint64("gasUsed"),
                effectiveGasPrice: try receipt.uint256("effectiveGasPrice"), from: try receipt.address("from"),
                to: try receipt.optionalAddress("to"), logs: try receipt.objects("logs").map(LogEntry.init(rpc:)))
        }
    }

    /// The logs of `event` (topic 0) emitted by `contract`.
    public func logs(of event: Bytes32, from contract: Address) -> [LogEntry] {
        logs.filter { $0.address == contract && $0.topics.first == event }
    }
}
