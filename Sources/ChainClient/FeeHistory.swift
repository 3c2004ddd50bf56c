import Ethereum
import JSON

/// Recent blocks' base fees, fullness and tips, as `eth_feeHistory` reports them: the input for
/// pricing a batch of transactions.
public struct FeeHistory: Sendable, Hashable {
    /// The number of the first block described.
    public let oldestBlock: UInt64
    /// One per block described, plus the next block's (computed by the node): `blocks + 1` values.
    public let baseFeePerGas: [UInt256]
    /// Gas used / gas limit, one per block.
    public let gasUsedRatio: [Double]
    /// Per block, the tips paid at each requested percentile (empty rows when none were requested).
    public let reward: [[UInt256]]

    public init(oldestBlock: UInt64, baseFeePerGas: [UInt256], gasUsedRatio: [Double], reward: [[UInt256]]) {
        self.oldestBlock = oldestBlock
        self.baseFeePerGas = baseFeePerGas
        self.gasUsedRatio = gasUsedRatio
        self.reward = reward
    }

    /// The base fee of the block after the newest one described.
    public var nextBaseFee: UInt256 { baseFeePerGas.last ?? .zero }

    init(rpc value: JSONValue, method: String, percentileCount: Int) throws(ChainError) {
        self = try ChainError.reading(method) { () throws(JSONShapeError) in
            try FeeHistory(rpc: JSONObjectReader(value, path: "feeHistory"), percentileCount: percentileCount)
        }
    }

    private init(rpc history: JSONObjectReader, percentileCount: Int) throws(JSONShapeError) {
        let baseFees = try history.elements("baseFeePerGas", RPCValue.uint256(_:field:))
        let ratios = try history.elements("gasUsedRatio") { element, field throws(JSONShapeError) -> Double in
            switch element {
            case .double(let ratio): return ratio
            case .int(let ratio): return Double(ratio)
            default: throw RPCValue.mismatch(element, field: field, expected: "a number")
            }
        }
        guard baseFees.count == ratios.count + 1 else {
            throw JSONShapeError(field: history.path, reason: "has \(baseFees.count) base fees for \(ratios.count) blocks (expected one more)")
        }
        var rewards = [[UInt256]]()
        if percentileCount > 0 {
            let rows = try history.array("reward")
            guard rows.count == ratios.count else {
                throw JSONShapeError(field: history.path, reason: "has \(rows.count) reward rows for \(ratios.count) blocks")
            }
            for (block, row) in rows.enumerated() {
                let field = history.fieldPath("reward[\(block)]")
                guard case .array(let cells) = row, cells.count == percentileCount else {
                    throw JSONShapeError(field: field, reason: "does not hold \(percentileCount) values")
                }
                var parsed = [UInt256]()
                for (column, cell) in cells.enumerated() {
                    parsed.append(try RPCValue.uint256(cell, field: "\(field)[\(column)]"))
                }
                rewards.append(parsed)
            }
        }
        self.init(oldestBlock: try history.uint64("oldestBlock"), baseFeePerGas: baseFees, gasUsedRatio: ratios, reward: rewards)
    }
}
