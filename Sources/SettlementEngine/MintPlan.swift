import Ethereum
import PaymentModel
import PaymentStore

/// The mint jobs a completed payment creates: `quantity` items to `recipient` (the payer when
/// none was named), from the payment's token. Deploy payments and payments without a token
/// mint nothing.
enum MintPlan {
    static func jobs(for row: PaymentRow, settledBy txHash: Bytes32) -> [NewMintJob] {
        guard row.type == .mint, let token = row.token else { return [] }
        let quantity = max(1, min(row.quantity, PriceList.mostItemsPerPayment))
        return (0..<quantity).map { index in
            NewMintJob(paymentID: row.id, index: index, payer: row.payer, recipient: row.recipient, token: token, paymentTxHash: txHash)
        }
    }
}
