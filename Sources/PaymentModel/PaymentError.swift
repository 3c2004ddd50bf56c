import ErrorCoding

/// Why the engine refused or could not do what a client asked. Every case has a stable code
/// that the socket protocol sends as `error.code`; the description says what to do.
public enum PaymentError: CodedError, Equatable {
    // MARK: The request itself
    /// A field is missing or malformed; `field` names it (e.g. `authorization.nonce`).
    case invalidRequest(field: String, reason: String)
    /// The signature does not parse or does not recover to anyone.
    case invalidSignature(String)
    /// The signature's s is in the upper half of the curve order (malleable).
    case highSSignature
    /// The signature recovers to a different address than `authorization.from`.
    case signerMismatch(recovered: String, from: String)
    /// `authorization.to` is not the configured receiver.
    case recipientMismatch(to: String, expected: String)
    /// `authorization.value` differs from the payment's `amount`.
    case valueMismatch(value: String, amount: String)
    /// `validAfter` is in the future.
    case authorizationNotYetValid(validAfter: String)
    /// `validBefore` is too close (or past) to leave time to settle.
    case authorizationExpiring(validBefore: String, minimumSeconds: Int)
    /// The payment token is not one the daemon accepts.
    case tokenNotAllowed(String)
    /// The chain says this authorization nonce was already used.
    case authorizationAlreadyUsed(payer: String, nonce: String)
    /// This authorization is already queued as another payment.
    case duplicateAuthorization(existingPaymentID: String)
    /// The idempotency key names a payment with a different authorization.
    case idempotencyKeyConflict(existingPaymentID: String)
    /// The payer already has too many unsettled payments.
    case tooManyPending(payer: String, count: Int, limit: Int)
    /// The amount (or the token it is paid in) is not the price list's: `expectedAmount` of
    /// `paymentToken` is `unitPrice × quantity`.
    case priceMismatch(amount: String, expectedAmount: String, paymentToken: String, unitPrice: String, quantity: Int64)
    /// The quantity is outside 1…`maximum` for what is bought.
    case quantityOutOfRange(quantity: Int64, maximum: Int, product: String)
    /// The mint token cannot serve the purchase: only `remaining` items are left once the
    /// unsettled payments' items are counted.
    case soldOut(product: String, quantity: Int64, remaining: Int64)
    /// Nothing of this payment type is sold here (a `deploy` without a deploy price).
    case paymentTypeNotAllowed(PaymentType)

    // MARK: Lookups and admin
    case notFound(paymentID: String)
    case invalidTransition(paymentID: String, status: PaymentStatus, action: String)
    /// `cancel` of a payment whose authorization anyone can still settle on chain.
    case authorizationStillUsable(paymentID: String, validBefore: UInt64)
    /// `cancel` of a payment the chain shows paid: it was completed instead.
    case alreadyPaid(paymentID: String, txHash: String)
    /// `refund` of a payment that owes its buyer nothing (`why`).
    case refundNotDue(paymentID: String, why: String)
    /// `refund` naming a transaction that does not prove the refund (`why`).
    case refundUnproven(txHash: String, why: String)
    case unknownSetting(String)
    case invalidSettingValue(key: String, value: String, reason: String)

    // MARK: The daemon's own state
    case shuttingDown
    case unavailable(code: String, message: String)

    public var code: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .invalidSignature: "invalid_signature"
        case .highSSignature: "high_s_signature"
        case .signerMismatch: "signer_mismatch"
        case .recipientMismatch: "recipient_mismatch"
        case .valueMismatch: "value_mismatch"
        case .authorizationNotYetValid: "authorization_not_yet_valid"
        case .authorizationExpiring: "authorization_expiring"
        case .tokenNotAllowed: "token_not_allowed"
        case .authorizationAlreadyUsed: "authorization_already_used"
        case .duplicateAuthorization: "duplicate_authorization"
        case .idempotencyKeyConflict: "idempotency_key_conflict"
        case .tooManyPending: "too_many_pending"
        case .priceMismatch: "price_mismatch"
        case .quantityOutOfRange: "quantity_out_of_range"
        case .soldOut: "sold_out"
        case .paymentTypeNotAllowed: "payment_type_not_allowed"
        case .notFound: "not_found"
        case .invalidTransition: "invalid_transition"
        case .authorizationStillUsable: "authorization_still_usable"
        case .alreadyPaid: "already_paid"
        case .refundNotDue: "refund_not_due"
        case .refundUnproven: "refund_unproven"
        case .unknownSetting: "unknown_setting"
        case .invalidSettingValue: "invalid_setting_value"
        case .shuttingDown: "shutting_down"
        case .unavailable(let code, _): code
        }
    }

    public var description: String {
        switch self {
        case .invalidRequest(let field, let reason):
            "The request's \(field) is invalid: \(reason)"
        case .invalidSignature(let reason):
            "The authorization's signature is invalid: \(reason)"
        case .highSSignature:
            "The authorization's signature has a high s value (malleable); sign again with a standard library."
        case .signerMismatch(let recovered, let from):
            "The signature was made by \(recovered), not by authorization.from \(from)."
        case .recipientMismatch(let to, let expected):
            "The authorization pays \(to), but payments must go to \(expected)."
        case .valueMismatch(let value, let amount):
            "The authorization's value \(value) differs from the amount \(amount)."
        case .authorizationNotYetValid(let validAfter):
            "The authorization is not valid before \(validAfter) (unix seconds)."
        case .authorizationExpiring(let validBefore, let minimum):
            "The authorization expires at \(validBefore) (unix seconds), less than \(minimum) s from now: too soon to settle. Sign a new one."
        case .tokenNotAllowed(let token):
            "Payments in token \(token) are not accepted here."
        case .authorizationAlreadyUsed(let payer, let nonce):
            "Authorization \(nonce) of \(payer) was already used on-chain."
        case .duplicateAuthorization(let id):
            "This authorization is already queued as payment \(id)."
        case .idempotencyKeyConflict(let id):
            "The idempotency key already names payment \(id), which has a different authorization."
        case .tooManyPending(let payer, let count, let limit):
            "\(payer) already has \(count) unsettled payments (limit \(limit)); wait for them to settle."
        case .priceMismatch(let amount, let expected, let paymentToken, let unitPrice, let quantity):
            "The amount \(amount) is not the price: \(quantity) × \(unitPrice) = \(expected) atomic units of \(paymentToken) are expected. "
                + "Read the price list (prices) and sign an authorization for exactly \(expected) in \(paymentToken)."
        case .soldOut(let product, let quantity, let remaining):
            "\(product) is sold out for this purchase: \(quantity) items asked, \(remaining) left once the purchases already paid "
                + "for are served. Nothing was charged; do not sign an authorization for it."
        case .quantityOutOfRange(let quantity, let maximum, let product):
            "The quantity \(quantity) is out of range: one payment buys from 1 to \(maximum) items of \(product)."
        case .paymentTypeNotAllowed(let type):
            "Payments of type \(type.rawValue) are not accepted here: nothing of that type has a price."
        case .notFound(let id):
            "No payment has id \(id)."
        case .invalidTransition(let id, let status, let action):
            "Payment \(id) is \(status.rawValue) and cannot be \(action)."
        case .authorizationStillUsable(let id, let validBefore):
            "Payment \(id) was not cancelled: its authorization is unused and valid until \(validBefore) (unix seconds), so anyone "
                + "holding it can still settle it and charge the buyer. Cancel it once it has expired, or once the payer has "
                + "cancelled it on chain (cancelAuthorization); until then paymentd settles it as soon as sending is possible."
        case .alreadyPaid(let id, let txHash):
            "Payment \(id) was not cancelled: transaction \(txHash) already paid it on chain, so it was completed instead "
                + "and its tokens will be minted."
        case .refundNotDue(let id, let why):
            "Payment \(id) owes its buyer no refund: \(why)."
        case .refundUnproven(let txHash, let why):
            "Transaction \(txHash) is not recorded as the refund: \(why)."
        case .unknownSetting(let key):
            "There is no setting named \(key)."
        case .invalidSettingValue(let key, let value, let reason):
            "\(value) is not a valid value for \(key): \(reason)"
        case .shuttingDown:
            "The daemon is shutting down and accepts no new work; retry against the restarted daemon."
        case .unavailable(_, let message):
            message
        }
    }
}
