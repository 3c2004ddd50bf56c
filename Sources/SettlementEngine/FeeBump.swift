import ChainClient
import Ethereum

/// The one rule for re-signing a waiting transaction at its nonce (payments and mint batches):
/// both fees raised by 12.5 % (nodes want at least 10 % to replace) and to at least the current
/// suggestion, never above `max_fee_per_gas_wei`.
enum FeeBump {
    /// `transaction` with its fees raised, or nil when that would pass `ceiling`.
    static func raised(_ transaction: EIP1559Transaction, suggestion: FeeSuggestion, ceiling: UInt256) -> EIP1559Transaction? {
        let tip = max(PaymentConfirmer.bumped(transaction.maxPriorityFeePerGas), suggestion.maxPriorityFeePerGas)
        let cap = max(PaymentConfirmer.bumped(transaction.maxFeePerGas), suggestion.maxFeePerGas)
        guard cap <= ceiling, tip <= cap else { return nil }
        var raised = transaction
        raised.maxPriorityFeePerGas = tip
        raised.maxFeePerGas = cap
        return raised
    }
}
