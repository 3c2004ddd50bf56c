import ChainClient
import Ethereum

extension EthereumRPC {
    /// Fees for the next block with at least `minimumTip`, the fee cap held to `ceiling`
    /// (`max_fee_per_gas_wei`); nil when even the next base fee plus the tip is above it: then
    /// nothing is signed (signing below the base fee only parks a transaction unmined, and a tip
    /// above the cap is refused outright), and the caller waits for fees to fall or the
    /// ceiling to be raised.
    func fees(minimumTip: UInt256, ceiling: UInt256) async throws(ChainError) -> FeeSuggestion? {
        let suggestion = try await suggestFees(policy: FeePolicy(minimumPriorityFee: minimumTip, blocks: 5))
        let (floor, overflow) = suggestion.nextBaseFee.addingReportingOverflow(suggestion.maxPriorityFeePerGas)
        if overflow || floor > ceiling { return nil }
        return FeeSuggestion(nextBaseFee: suggestion.nextBaseFee, maxPriorityFeePerGas: suggestion.maxPriorityFeePerGas,
                             maxFeePerGas: min(suggestion.maxFeePerGas, ceiling))
    }
}
