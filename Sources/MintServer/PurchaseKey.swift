import Ethereum
import LineProtocolClient
import PaymentModel

/// A server-side purchase key for clients that send no `payment-identifier`: the payer, the
/// route and what the body asks (token, quantity, recipient), digested. With
/// `purchase_key_window_seconds` set, a second authorization for the same purchase within the
/// window is answered with the first payment and never settled.
///
/// What it trades (README): two genuine identical purchases within the window are one; a
/// purchase whose payment failed does not count, so the buyer may pay again at once; two
/// requests racing each other can both be queued (it reads recent payments, it holds no lock);
/// and each paid request costs one more `list` round trip to paymentd.
struct PurchaseKey: Sendable {
    let client: PaymentdClient
    let window: Double

    /// `metadata.purchaseKey` of a purchase.
    static func of(payer: String, route: ResourceRoute, token: String?, quantity: Int, recipient: String) -> String {
        let text = [payer, "\(route)", token ?? "", String(quantity), recipient].map { $0.lowercased() }.joined(separator: "|")
        return Bytes32.keccak256(Array(text.utf8)).hex
    }

    /// The payer's payment for the same purchase within the window, under way or done (the same
    /// payload sent again finds its own payment, which is the right answer too); nil when none,
    /// or when paymentd cannot be asked: then enqueue decides, as without the key.
    func earlier(key: String, payer: String, now: Double) async -> PaymentSnapshot? {
        guard let recent = try? await client.list(PaymentListFilter(payer: payer, limit: 50)) else { return nil }
        return recent.first { payment in
            payment.metadata?["purchaseKey"]?.stringValue == key && now - payment.createdAt.timeIntervalSince1970 <= window
                && payment.status != .failed && payment.status != .confirmationFailed
        }
    }
}
