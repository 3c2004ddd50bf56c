/// The x402 `errorReason` / `invalidReason` / 402 `error` strings this server sends, and how
/// each of paymentd's enqueue refusals maps onto one.
///
/// x402 treats reasons as an open set whose spelling differs between implementations
/// (X402-FACTS.md section 3); these follow the specification's `invalid_exact_evm_payload_*`
/// names where it has one and the reference code's names elsewhere.
public enum X402ErrorReason: String, Sendable, CaseIterable {
    /// No payment header came: the 402 challenge itself.
    case paymentRequired = "payment_required"
    /// The header or body is not a readable x402 payment.
    case invalidPayload = "invalid_payload"
    case unsupportedVersion = "invalid_x402_version"
    case invalidScheme = "invalid_exact_evm_scheme"
    case networkMismatch = "invalid_exact_evm_network_mismatch"
    case missingDomain = "invalid_exact_evm_missing_eip712_domain"
    /// The payment is for other requirements than the ones offered (asset, payTo, amount, timeout).
    case requirementsMismatch = "invalid_payment_requirements"
    case invalidSignature = "invalid_exact_evm_payload_signature"
    case recipientMismatch = "invalid_exact_evm_payload_recipient_mismatch"
    case authorizationValue = "invalid_exact_evm_payload_authorization_value"
    case validBefore = "invalid_exact_evm_payload_authorization_valid_before"
    case validAfter = "invalid_exact_evm_payload_authorization_valid_after"
    case nonceAlreadyUsed = "invalid_exact_evm_nonce_already_used"
    /// The authorization is already settling as another payment (never re-sign: it will be paid).
    case duplicateSettlement = "duplicate_settlement"
    case quantityOutOfRange = "invalid_quantity"
    case tooManyPending = "too_many_pending_payments"
    /// The product cannot serve the purchase (its supply is reserved by purchases already
    /// paid): nothing was charged, and paying again would not help.
    case soldOut = "sold_out"
    /// The transaction reverted, or the chain proved the authorization can no longer settle.
    case transactionFailed = "invalid_exact_evm_transaction_failed"
    /// Broadcast (or queued) but not confirmed within the wait: not a failure, ask again.
    case settlementPending = "settlement_pending"
    /// paymentd could not be reached or could not act; nothing is known to have failed.
    case unavailable = "service_unavailable"

    /// The reason for one of paymentd's error codes (PROTOCOL.md section 11); nil for codes
    /// that are not about the payment (unavailability, the daemon's own faults).
    public init?(daemonCode code: String) {
        switch code {
        case "invalid_signature", "high_s_signature", "signer_mismatch": self = .invalidSignature
        case "recipient_mismatch": self = .recipientMismatch
        case "value_mismatch", "price_mismatch": self = .authorizationValue
        case "authorization_expiring": self = .validBefore
        case "authorization_not_yet_valid": self = .validAfter
        case "authorization_already_used": self = .nonceAlreadyUsed
        case "duplicate_authorization", "idempotency_key_conflict": self = .duplicateSettlement
        case "token_not_allowed", "payment_type_not_allowed": self = .requirementsMismatch
        case "quantity_out_of_range": self = .quantityOutOfRange
        case "too_many_pending": self = .tooManyPending
        case "sold_out": self = .soldOut
        case "invalid_request": self = .invalidPayload
        default: return nil
        }
    }
}
