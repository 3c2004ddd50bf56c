import ErrorCoding
import LineProtocolCodec

/// Why a client call did not produce a result. A refusal by the daemon keeps the daemon's
/// code (`code` is `remote.code`, e.g. `not_found`), so a caller's error handling matches the
/// protocol's error list; the other cases are about reaching the daemon at all.
public enum PaymentdClientError: CodedError, Equatable {
    /// The daemon answered with an error.
    case remote(WireError)
    /// No connection could be made (no daemon, wrong path, no permission on the socket).
    case connectionFailed(path: String, reason: String)
    /// The connection closed before the response came; the request may or may not have run.
    case connectionClosed
    /// No response within the client's request timeout; the request may or may not have run.
    case timedOut
    /// The daemon sent something that is not a protocol response.
    case malformedResponse(String)
    /// A response line exceeded the client's limit.
    case responseTooLong(limit: Int)

    public var code: String {
        switch self {
        case .remote(let error): error.code
        case .connectionFailed: "daemon_unreachable"
        case .connectionClosed: "connection_closed"
        case .timedOut: "request_timed_out"
        case .malformedResponse: "malformed_response"
        case .responseTooLong: "response_too_long"
        }
    }

    public var description: String {
        switch self {
        case .remote(let error):
            error.message
        case .connectionFailed(let path, let reason):
            "Cannot connect to paymentd at \(path): \(reason). Is the daemon running, and may this user open the socket?"
        case .connectionClosed:
            "The connection to paymentd closed before the response came; the request may or may not have run (check with status, or retry with the same idempotency key)."
        case .timedOut:
            "paymentd did not answer in time; the request may or may not have run (check with status, or retry with the same idempotency key)."
        case .malformedResponse(let reason):
            "paymentd sent a response this client cannot read (\(reason)); are client and daemon versions compatible?"
        case .responseTooLong(let limit):
            "paymentd sent a response line longer than \(limit) bytes; ask for less (e.g. a smaller list limit)."
        }
    }
}
