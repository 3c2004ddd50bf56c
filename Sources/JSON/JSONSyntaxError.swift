/// Why a text is not the JSON `StrictJSONParser` accepts, and where (byte offset). The socket
/// protocol turns it into `malformed_json`, the chain client into a malformed-answer error.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
