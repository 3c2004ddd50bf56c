import Ethereum
import PaymentModel

/// One payment the drill asked for, with the values the buyer signed: what the audit checks the
/// ledger and the chain against. The daemon's own columns are never the expected values, so a
/// row the daemon rewrote, lost or invented cannot check itself.
public struct AuditExpectation: Sendable, Hashable {
    public var idempotencyKey: String
    /// Lowercase hex, as every address and hash below.
    public var payer: String
    public var nonce: String
    public var amount: UInt256
    public var paymentToken: String
    public var mintToken: String
    public var quantity: Int
    public var recipient: String
    /// What the daemon answered to the enqueue.
    public var enqueue: EnqueueOutcome
    /// The drill had the payer spend this authorization's nonce on a transfer to himself in a
    /// reorg's new fork: the payment may end with its settlement lost (unpaid, never minted)
    /// instead of completed.
    public var respent = false

    public init(idempotencyKey: String, payer: String, nonce: String, amount: UInt256, paymentToken: String, mintToken: String,
                quantity: Int, recipient: String, enqueue: EnqueueOutcome) {
        self.idempotencyKey = idempotencyKey
        self.payer = payer.lowercased()
        self.nonce = nonce.lowercased()
        self.amount = amount
        self.paymentToken = paymentToken.lowercased()
        self.mintToken = mintToken.lowercased()
        self.quantity = quantity
        self.recipient = recipient.lowercased()
        self.enqueue = enqueue
    }

    /// The expectation of `request`, which the drill built (so its fields are well-formed).
    public init(_ request: PaymentRequest, enqueue: EnqueueOutcome) {
        let quantity = request.metadata["quantity"]?.intValue.map { Int($0) } ?? 1
        let recipient = request.metadata["recipient"]?.stringValue ?? request.authorization.from
        self.init(idempotencyKey: request.idempotencyKey ?? "", payer: request.authorization.from, nonce: request.authorization.nonce,
                  amount: UInt256(decimal: request.amount) ?? .zero, paymentToken: request.paymentToken,
                  mintToken: request.token ?? "", quantity: quantity, recipient: recipient, enqueue: enqueue)
    }
}

/// How one enqueue ended for the drill's client.
public enum EnqueueOutcome: Sendable, Hashable {
    /// The daemon answered with this payment id.
    case acknowledged(paymentID: String)
    /// The daemon refused it with a code that resending will not change.
    case refused(code: String, message: String)
    /// No answer before the drill's deadline; `lastError` is the last failure seen.
    case unanswered(lastError: String)
}
