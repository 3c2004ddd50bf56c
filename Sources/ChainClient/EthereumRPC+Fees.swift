import Ethereum
import JSON

extension EthereumRPC {
    /// `eth_feeHistory` for the `blockCount` blocks up to `newestBlock`, with the tips paid at
    /// each of `rewardPercentiles` (0–100, ascending).
    public func feeHistory(blockCount: Int, newestBlock: BlockTag = .latest,
                           rewardPercentiles: [Double]) async throws(ChainError) -> FeeHistory {
        let method = "eth_feeHistory"
        let params: [JSONValue] = [
            .string(RPCParameter.quantity(UInt64(max(blockCount, 1)))), newestBlock.json,
            .array(rewardPercentiles.map { .double($0) }),
        ]
        let result = try await client.call(method, params: params)
        return try FeeHistory(rpc: result, method: method, percentileCount: rewardPercentiles.count)
    }

    /// Fees for the next batch of transactions under `policy` (one `eth_feeHistory` call); see
    /// `FeeSuggestion` for the rule.
    public func suggestFees(policy: FeePolicy) async throws(ChainError) -> FeeSuggestion {
        let history = try await feeHistory(blockCount: policy.blocks, rewardPercentiles: [policy.rewardPercentile])
        return FeeSuggestion(history: history, policy: policy)
    }
}
