/// Every error code the protocol can answer with: its own and the engine's. Clients can rely
/// on this list; the spec lists the same codes.
public enum ProtocolErrorCodes {
    public static let protocolLevel: [String] = [
        "malformed_json", "invalid_request", "unknown_command", "invalid_arguments", "line_too_long",
        "permission_denied", "shutting_down", "too_many_connections", "internal_error",
    ]
    /// The `PaymentError` codes (`unavailable` carries a code of its own, documented as
    /// `unavailable` and its known variants in the spec).
    public static let engine: [String] = [
        "invalid_request", "invalid_signature", "high_s_signature", "signer_mismatch", "recipient_mismatch",
        "value_mismatch", "authorization_not_yet_valid", "authorization_expiring", "token_not_allowed",
        "authorization_already_used", "duplicate_authorization", "idempotency_key_conflict", "too_many_pending",
        "price_mismatch", "quantity_out_of_range", "sold_out", "payment_type_not_allowed",
        "not_found", "invalid_transition", "authorization_still_usable", "already_paid", "refund_not_due", "refund_unproven", "unknown_setting", "invalid_setting_value", "shutting_down",
    ]
}
