/// A JSON value that does not have the shape a protocol message needs: which field (a dotted
/// path such as `payment.authorization.nonce`) and what was wrong with it.
///
/// The server turns it into `invalid_arguments`; the client into `malformed_response`.
public struct WireShapeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
