/// A JSON value that does not have the shape its reader needs: which field (a dotted path
/// such as `payment.authorization.nonce` or `receipt.logs[0].topics[1]`) and what was wrong
/// with it. The socket server answers it with `invalid_arguments`, clients report it as a
/// malformed response, the chain client as a malformed node answer.
public struct JSONShapeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
