import Ethereum
import JSON
import PaymentModel
import PaymentStore

/// The mint jobs a completed payment creates: `metadata.quantity` items (default 1) to
/// `metadata.recipient` (default the payer), from the payment's token. Deploy payments and
/// payments without a token mint nothing.
enum MintPlan {
    static func jobs(for row: PaymentRow, settledBy txHash: String) -> [NewMintJob] {
        guard row.type == .mint, let token = row.tokenAddress else { return [] }
        let quantity = max(1, min(Int(row.metadata?["quantity"]?.intValue ?? 1), PriceList.mostItemsPerPayment))
        let recipient = row.metadata?["recipient"]?.stringValue ?? row.payer
        return (0..<quantity).map { index in
            NewMintJob(paymentID: row.id, index: index, payer: row.payer, recipient: recipient, tokenAddress: token, paymentTxHash: txHash)
        }
    }
}
