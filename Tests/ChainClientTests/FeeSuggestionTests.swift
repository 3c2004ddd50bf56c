import ChainClient
import Ethereum
import XCTest

/// The pricing rule: tip from recent non-empty blocks within [minimum, maximum], fee cap with
/// base-fee headroom.
final class FeeSuggestionTests: XCTestCase {
    private let gwei: UInt256 = 1_000_000_000

    func testTipIsTheMedianOfNonEmptyBlocksAndCapIsTwiceNextBaseFeePlusTip() {
        let history = FeeHistory(oldestBlock: 10, baseFeePerGas: [100, 100, 100, 100, 120],
                                 gasUsedRatio: [0.5, 0, 0.9, 0.7],
                                 reward: [[3 * gwei], [0], [5 * gwei], [4 * gwei]])
        let fees = FeeSuggestion(history: history, policy: FeePolicy(minimumPriorityFee: gwei))
        XCTAssertEqual(fees.nextBaseFee, 120)
        XCTAssertEqual(fees.maxPriorityFeePerGas, 4 * gwei, "median of 3, 4, 5 gwei; the empty block is ignored")
        XCTAssertEqual(fees.maxFeePerGas, 2 * 120 + 4 * gwei)
    }

    func testTipNeverFallsBelowTheMinimumNorRisesAboveTheMaximum() {
        let quiet = FeeHistory(oldestBlock: 1, baseFeePerGas: [7, 7], gasUsedRatio: [0], reward: [[0]])
        XCTAssertEqual(FeeSuggestion(history: quiet, policy: FeePolicy(minimumPriorityFee: gwei)).maxPriorityFeePerGas, gwei)
        let busy = FeeHistory(oldestBlock: 1, baseFeePerGas: [7, 7], gasUsedRatio: [1], reward: [[100 * gwei]])
        let capped = FeeSuggestion(history: busy, policy: FeePolicy(minimumPriorityFee: gwei, maximumPriorityFee: 2 * gwei))
        XCTAssertEqual(capped.maxPriorityFeePerGas, 2 * gwei)
        XCTAssertEqual(capped.maxFeePerGas, 14 + 2 * gwei)
    }

    func testHugeBaseFeeSaturatesInsteadOfTrapping() {
        let fees = FeeSuggestion(nextBaseFee: .max, observedTip: 1, policy: FeePolicy(minimumPriorityFee: 1))
        XCTAssertEqual(fees.maxFeePerGas, .max)
    }
}
