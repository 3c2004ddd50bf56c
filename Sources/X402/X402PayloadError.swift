import ErrorCoding

/// Why a payment header or a facilitator body could not be read: the x402 reason (`code`, e.g.
/// `invalid_payload`), the field at fault as a dotted path, and a sentence for the buyer.
///
/// A decoding failure is the buyer's malformed request (HTTP 400 at a resource route), kept
/// apart from a well-formed payment that does not pay (402), which is `X402ErrorReason`'s.
public struct X402PayloadError: CodedError, Hashable {
    public var code: String
    /// The field at fault (`payload.authorization.nonce`), nil for the whole message.
    public var field: String?
    public var message: String

    public init(code: String = X402ErrorReason.invalidPayload.rawValue, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        field.map { "\($0): \(message)" } ?? message
    }
}
