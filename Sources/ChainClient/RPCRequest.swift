import JSON

/// One JSON-RPC call to send, alone or in a batch; the client assigns its id.
public struct RPCRequest: Sendable, Hashable {
    public let method: String
    public let params: [JSONValue]

    public init(_ method: String, _ params: [JSONValue] = []) {
        self.method = method
        self.params = params
    }
}
