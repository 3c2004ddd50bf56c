import ChainClient
import Ethereum
import PaymentModel

/// What a charged buyer is owed for mints that cannot be made, and whether a mined transaction
/// pays it back: the judge behind `refund`, apart from I/O.
///
/// A refund is proven by its receipt alone: mined, successful, `confirmations_required` deep,
/// with `Transfer` logs of the payment token to the payer adding up to at least what is owed.
/// Who sent it does not matter (an operator may refund from any wallet).
enum RefundProof {
    /// What the verdict is.
    enum Verdict: Sendable, Equatable {
        /// The transaction paid the payer `amount` of the payment token.
        case proven(amount: UInt256)
        case unproven(String)
    }

    /// The price of the payment's mint jobs that failed (each job is one item at an equal
    /// share of `amount`); nil when none failed.
    static func due(amount: UInt256, mints: [MintStatus]) -> UInt256? {
        let failed = mints.filter { $0 == .failed }.count
        guard failed > 0 else { return nil }
        return amount / UInt256(UInt64(mints.count)) * UInt256(UInt64(failed))
    }

    static func judge(_ receipt: TransactionReceipt?, head: UInt64, confirmationsRequired: Int, paymentToken: Address,
                      payer: Address, due: UInt256) -> Verdict {
        guard let receipt else { return .unproven("it is not mined (no receipt); record it once it is") }
        guard receipt.succeeded else { return .unproven("it reverted in block \(receipt.blockNumber): nothing was transferred") }
        let depth = head >= receipt.blockNumber ? head - receipt.blockNumber + 1 : 0
        guard depth >= UInt64(confirmationsRequired) else {
            return .unproven("it is \(depth) of \(confirmationsRequired) blocks deep (confirmations_required); record it once it is deeper")
        }
        var paid = UInt256.zero
        for log in receipt.logs(of: EventTopic.transfer, from: paymentToken) where log.topics.count >= 3 && log.topics[2] == EventTopic.address(payer) {
            guard let value = try? UInt256(bigEndian: log.data) else { continue }
            let (sum, overflow) = paid.addingReportingOverflow(value)
            paid = overflow ? UInt256.max : sum
        }
        guard paid > .zero else {
            return .unproven("it transfers no \(paymentToken.checksummed) to the payer \(payer.checksummed)")
        }
        guard paid >= due else {
            return .unproven("it transfers \(paid) to the payer, less than the \(due) owed")
        }
        return .proven(amount: paid)
    }
}
