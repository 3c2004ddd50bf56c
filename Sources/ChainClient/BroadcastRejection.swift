/// Why a node refused a raw transaction, read from the error message it sent.
///
/// Nodes report pool refusals as one error code (-32000) and an English sentence, and phrase it
/// differently (geth "already known", erigon "known transaction", nethermind "AlreadyKnown"), so
/// the sentence is matched case-insensitively on substrings that each node uses. The engine
/// reacts per case: `alreadyKnown` means the bytes are in the pool (a success for a rebroadcast),
/// `nonceTooLow` means that nonce is used (find out by what), `replacementUnderpriced` asks for a
/// larger fee bump, `insufficientFunds` means the hot wallet needs ETH.
public enum BroadcastRejection: Sendable, Hashable {
    /// The same transaction is already in the pool.
    case alreadyKnown
    /// The sender's account nonce is past this transaction's nonce: the nonce was used.
    case nonceTooLow
    /// The nonce is further ahead than the node accepts (geth queues gaps instead).
    case nonceTooHigh
    /// Another transaction with this nonce is pending and this one does not bump both fees
    /// enough (geth: 10%).
    case replacementUnderpriced
    /// The sender cannot pay gas × maxFeePerGas + value.
    case insufficientFunds
    /// The fees are below the pool's minimum.
    case underpriced
    /// The fee cap is below the current block's base fee (nodes that refuse rather than queue).
    case feeCapBelowBaseFee
    /// maxPriorityFeePerGas exceeds maxFeePerGas.
    case tipAboveFeeCap
    /// The gas limit exceeds the block gas limit.
    case gasLimitExceeded
    /// The gas limit is below the transaction's intrinsic cost.
    case intrinsicGasTooLow
    /// The signature is invalid or for another chain id.
    case invalidSender
    /// Any other refusal; the node's message is in the outcome's error object.
    case other

    /// Classifies a node's refusal message.
    public init(message: String) {
        let text = message.lowercased()
        func has(_ phrases: String...) -> Bool { phrases.contains { text.contains($0) } }
        // Order matters where one phrase contains another ("replacement transaction underpriced"
        // contains "underpriced").
        if has("already known", "known transaction", "alreadyknown", "already imported", "already exists", "already in pool") {
            self = .alreadyKnown
        } else if has("nonce too low", "nonce is too low", "noncetoolow", "oldnonce", "nonce has already been used") {
            self = .nonceTooLow
        } else if has("nonce too high", "noncetoohigh", "nonce gap", "noncegap") {
            self = .nonceTooHigh
        } else if has("replacement transaction underpriced", "replacement underpriced", "replacementunderpriced",
                      "replacement fee too low") {
            self = .replacementUnderpriced
        } else if has("insufficient funds", "insufficientfunds", "insufficient balance") {
            self = .insufficientFunds
        } else if has("less than block base fee", "fee cap less than base fee", "feecaptoolow",
                      "max fee per gas less than", "feecapbelowbasefee", "below block base fee") {
            self = .feeCapBelowBaseFee
        } else if has("priority fee per gas higher than max fee", "tip higher than fee cap", "tipabovefeecap",
                      "maxpriorityfeepergas higher than maxfeepergas", "priority fee greater than max fee") {
            self = .tipAboveFeeCap
        } else if has("underpriced", "feetoolow", "fee too low", "gas price too low") {
            self = .underpriced
        } else if has("exceeds block gas limit", "gas limit reached", "gaslimitexceeded", "exceeds the block gas limit") {
            self = .gasLimitExceeded
        } else if has("intrinsic gas too low", "intrinsicgastoolow", "intrinsic gas") {
            self = .intrinsicGasTooLow
        } else if has("invalid sender", "invalidsender", "invalid signature", "invalid chain id", "signer mismatch") {
            self = .invalidSender
        } else {
            self = .other
        }
    }
}
