import Ethereum
import JSON
import PaymentModel

/// A validated payment, ready to be queued: the checked authorization as typed values, and
/// as the replaced system stores it (normalised spellings) for the `authorization` column.
public struct NewPayment: Sendable, Hashable {
    public var type: PaymentType
    /// The mint contract bought from.
    public var token: Address?
    public var transfer: TransferWithAuthorization
    /// The authorization as stored: every number a decimal string, `signature` or `v`/`r`/`s`
    /// as the buyer gave it.
    public var authorization: AuthorizationPayload
    public var amount: UInt256
    public var paymentToken: Address
    public var metadata: JSONValue?
    public var idempotencyKey: String?
    /// The chain head when the authorization was found unused (set by the engine just before
    /// the insert): where a search for its use starts.
    public var enqueuedBlock: UInt64?
    /// What its mint token has left to sell (`remainingSupply()` in items, and the block it was
    /// read at), when the token says and supply is reserved at enqueue; nil: no limit known.
    public var supply: ItemSupply?
    /// Signed ahead of older pending payments (`sign_first`): someone waits for its hash.
    public var signFirst = false

    public init(type: PaymentType, token: Address?, transfer: TransferWithAuthorization, authorization: AuthorizationPayload,
                amount: UInt256, paymentToken: Address, metadata: JSONValue?, idempotencyKey: String?) {
        self.type = type
        self.token = token
        self.transfer = transfer
        self.authorization = authorization
        self.amount = amount
        self.paymentToken = paymentToken
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
    }

    /// The payer: the authorization's `from`.
    public var payer: Address { transfer.from }

    /// How many items it buys: `metadata.quantity`, or 1.
    public var quantity: Int { Int(metadata?["quantity"]?.intValue ?? 1) }
}

/// A mint token's remaining supply in items, as read from the chain at `block`: what enqueue
/// reserves the items of unsettled payments against (`EnqueueAdmission`).
public struct ItemSupply: Sendable, Hashable {
    public var items: Int64
    public var block: UInt64

    public init(items: Int64, block: UInt64) {
        self.items = items
        self.block = block
    }
}
