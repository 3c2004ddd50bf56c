import JSON
import PaymentModel

/// One JSON-RPC endpoint as `stats` reports it: its URL, whether it is the one in use, its
/// health and when it will be tried again.
extension RPCEndpointState {
    public var wireValue: JSONValue {
        [
            "url": .string(url),
            "in_use": .bool(inUse),
            "health": .string(health.rawValue),
            "consecutive_failures": .int(Int64(consecutiveFailures)),
            "retry_in_seconds": retryInSeconds.map(JSONValue.double) ?? .null,
            "last_error": lastError.map(JSONValue.string) ?? .null,
        ]
    }

    init(wire object: JSONObjectReader) throws(JSONShapeError) {
        self.init(
            url: try object.string("url"),
            inUse: try object.bool("in_use"),
            health: try object.enumeration("health", Health.self),
            consecutiveFailures: Int(try object.optionalInt("consecutive_failures") ?? 0),
            retryInSeconds: try object.optionalDouble("retry_in_seconds"),
            lastError: try object.optionalString("last_error"))
    }
}
