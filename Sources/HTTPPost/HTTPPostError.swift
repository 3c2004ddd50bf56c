import ErrorCoding

/// Failures of an HTTP POST: either nothing usable came back (transport) or the server
/// answered with a non-2xx status.
public enum HTTPPostError: CodedError, Equatable {
    /// curl could not complete the exchange (refused, reset, DNS, timeout); `curlCode` is
    /// curl's own number, `message` its text.
    case transport(curlCode: Int32, message: String)
    /// The request timed out; whether the server acted on it is unknown.
    case timedOut(milliseconds: Int)
    /// The server answered with a status outside 200–299.
    case status(Int, body: String)
    /// The client could not be set up (curl refused an option).
    case setup(String)

    public var code: String {
        switch self {
        case .transport, .timedOut: "rpc_unavailable"
        case .status: "rpc_http_error"
        case .setup: "internal_error"
        }
    }

    public var description: String {
        switch self {
        case .transport(let code, let message):
            "The RPC endpoint could not be reached (curl error \(code): \(message))."
        case .timedOut(let ms):
            "The RPC endpoint did not answer within \(ms) ms."
        case .status(let status, let body):
            "The RPC endpoint answered HTTP \(status): \(body.prefix(200))"
        case .setup(let message):
            "The HTTP client could not be configured: \(message)"
        }
    }
}
