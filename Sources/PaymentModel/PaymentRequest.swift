import JSON

/// A request to settle one payment: what `enqueue` carries over the socket and what the
/// mint server builds from an x402 `X-PAYMENT` header.
public struct PaymentRequest: Sendable, Hashable {
    public var type: PaymentType
    /// The token contract to mint from (required for `mint`), 0x-hex.
    public var token: String?
    /// The EIP-3009 token being paid with (USDC), 0x-hex.
    public var paymentToken: String
    /// The price in the payment token's atomic units, decimal; must equal the authorization's value.
    public var amount: String
    public var authorization: AuthorizationPayload
    /// What was bought: `{"quantity": n, "recipient": "0x…"}` plus anything the caller adds;
    /// stored as given.
    public var metadata: JSONValue
    /// The caller's key: the same key always names the same payment.
    public var idempotencyKey: String?
    /// Sign it ahead of the payments queued before it: a caller is waiting for its transaction
    /// hash (x402's facilitator `/settle`, which must answer with one).
    public var signFirst: Bool

    public init(type: PaymentType, token: String?, paymentToken: String, amount: String,
                authorization: AuthorizationPayload, metadata: JSONValue = .object([:]), idempotencyKey: String? = nil,
                signFirst: Bool = false) {
        self.type = type
        self.token = token
        self.paymentToken = paymentToken
        self.amount = amount
        self.authorization = authorization
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
        self.signFirst = signFirst
    }
}
