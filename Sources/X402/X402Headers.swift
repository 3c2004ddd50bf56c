/// The header names of both transports (X402-FACTS.md sections 1 and 2), in one place.
public enum X402Headers {
    /// Version 1 request header (base64 `PaymentPayload`).
    public static let payment = "X-PAYMENT"
    /// Version 1 receipt.
    public static let paymentResponse = "X-PAYMENT-RESPONSE"
    /// Version 2 challenge, request and receipt headers.
    public static let paymentRequired = "PAYMENT-REQUIRED"
    public static let paymentSignature = "PAYMENT-SIGNATURE"
    public static let paymentResponseV2 = "PAYMENT-RESPONSE"

    /// The receipt header a payment of `version` is answered with.
    public static func receipt(version: Int) -> String { version == 1 ? paymentResponse : paymentResponseV2 }
}
