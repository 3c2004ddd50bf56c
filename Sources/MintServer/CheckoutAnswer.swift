import PaymentModel
import X402

/// How a paid route answers, decided by `Checkout` and written as HTTP by the routes: each case
/// is one status code and one body shape of the seed's (`MintServerRoutes` maps them).
public enum CheckoutAnswer: Sendable, Equatable {
    /// 400: the request itself is malformed (quantity, body, payment header).
    case badRequest(error: String, message: String)
    /// 404: the token is not sold here.
    case notFound(error: String, message: String)
    /// 402: pay (again); `receipt` when a payment was tried and failed for good.
    case paymentRequired(PaymentChallenge, receipt: Receipt?)
    /// 202: queued, not settled yet (`async` mode, or `settle` mode past its deadline).
    case accepted(PurchaseState)
    /// 200: settled (`settle` mode, or a repeated payment that already settled).
    case settled(PurchaseState)
    /// 409: the authorization is already settling as another payment.
    case conflict(message: String, receipt: Receipt)
    /// 409 `sold_out`: the product cannot serve the purchase; nothing was charged, and paying
    /// again would not help (not a 402, which invites a new payment). No receipt when no
    /// payment was sent (a sold-out product is not offered).
    case soldOut(message: String, receipt: Receipt?)
    /// 429: the payer has too many unsettled payments.
    case tooManyPending(count: Int?, message: String)
    /// 503: paymentd is unreachable or cannot act now; retry (the same payment).
    case unavailable(message: String)

    /// A receipt and the header it travels in (`X-PAYMENT-RESPONSE` for v1, `PAYMENT-RESPONSE` for v2).
    public struct Receipt: Sendable, Equatable {
        public var headerName: String
        public var response: SettlementResponse
    }

    /// A queued payment as the route reports it.
    public struct PurchaseState: Sendable, Equatable {
        public var paymentID: String
        public var status: PaymentStatus
        public var quantity: Int
        public var payer: String
        public var txHash: String?
        public var duplicate: Bool
        public var receipt: Receipt
        /// Where its status is read (`GET /api/payment/:id`), absolute.
        public var statusURL: String
    }
}
