/// A well-formed payment that does not pay for what was offered, with the x402 reason and a
/// sentence for the buyer: a resource route answers it with a new 402, a facilitator with
/// `isValid: false` / `success: false`.
public struct X402Rejection: Error, Sendable, Hashable {
    public var reason: String
    public var message: String

    public init(_ reason: X402ErrorReason, _ message: String) {
        self.reason = reason.rawValue
        self.message = message
    }

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }
}
