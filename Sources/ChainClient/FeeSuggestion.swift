import Ethereum

/// How the send loop prices a batch: which tip percentile to follow, the floor and ceiling for
/// the tip, and how much base-fee growth the fee cap must survive.
public struct FeePolicy: Sendable, Hashable {
    /// The tip is never below this (wei). Set it to what the chain's blocks reliably include.
    public var minimumPriorityFee: UInt256
    /// The tip is never above this (wei), whatever other senders pay; nil for no ceiling.
    public var maximumPriorityFee: UInt256?
    /// The percentile of recent blocks' tips to follow (0–100).
    public var rewardPercentile: Double
    /// How many recent blocks to look at.
    public var blocks: Int
    /// The fee cap allows the base fee to grow by this factor before the transaction stops
    /// being includable. 2 survives six consecutive full blocks (1.125^6 ≈ 2.03).
    public var baseFeeMultiplier: UInt64

    public init(minimumPriorityFee: UInt256, maximumPriorityFee: UInt256? = nil, rewardPercentile: Double = 50,
                blocks: Int = 10, baseFeeMultiplier: UInt64 = 2) {
        self.minimumPriorityFee = minimumPriorityFee
        self.maximumPriorityFee = maximumPriorityFee
        self.rewardPercentile = rewardPercentile
        self.blocks = blocks
        self.baseFeeMultiplier = baseFeeMultiplier
    }
}

/// The fees for transactions that should make the next block and stay includable for a while:
/// computed once per batch from one `eth_feeHistory` call, not per payment.
///
/// The rule:
/// - observed tip = the median, over recent non-empty blocks, of each block's tip at the
///   policy's percentile (0 when every block was empty: nobody competes for space);
/// - `maxPriorityFeePerGas` = max(minimum, min(observed, maximum));
/// - `maxFeePerGas` = multiplier × next block's base fee + tip (saturating at 2^256 − 1).
/// A transaction priced so pays at most base fee + tip; the headroom is only a cap.
public struct FeeSuggestion: Sendable, Hashable {
    public let nextBaseFee: UInt256
    public let maxPriorityFeePerGas: UInt256
    public let maxFeePerGas: UInt256

    public init(nextBaseFee: UInt256, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256) {
        self.nextBaseFee = nextBaseFee
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
    }

    /// Applies the rule to a history whose reward column `rewardColumn` holds the tips at the
    /// policy's percentile (column 0 when it was requested alone, as `EthereumRPC.suggestFees` does).
    public init(history: FeeHistory, policy: FeePolicy, rewardColumn: Int = 0) {
        var tips = [UInt256]()
        for (block, row) in history.reward.enumerated() where rewardColumn < row.count {
            let wasEmpty = block < history.gasUsedRatio.count && history.gasUsedRatio[block] == 0
            if !wasEmpty { tips.append(row[rewardColumn]) }
        }
        tips.sort()
        let observed = tips.isEmpty ? UInt256.zero : tips[tips.count / 2]
        self.init(nextBaseFee: history.nextBaseFee, observedTip: observed, policy: policy)
    }

    /// Applies the rule to an observed tip.
    public init(nextBaseFee: UInt256, observedTip: UInt256, policy: FeePolicy) {
        var tip = observedTip
        if let ceiling = policy.maximumPriorityFee, tip > ceiling { tip = ceiling }
        if tip < policy.minimumPriorityFee { tip = policy.minimumPriorityFee }
        let (headroom, overflowA) = nextBaseFee.multipliedReportingOverflow(by: UInt256(policy.baseFeeMultiplier))
        let (cap, overflowB) = headroom.addingReportingOverflow(tip)
        self.init(nextBaseFee: nextBaseFee, maxPriorityFeePerGas: tip, maxFeePerGas: overflowA || overflowB ? .max : cap)
    }
}
