import LineProtocolClient

/// payctl's exit statuses, a contract for scripts: each failure class has its own number, so a
/// cron job can tell "the daemon said no" from "there is no daemon" without parsing text.
public enum PayctlExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    /// The daemon refused the request (its error code and message are printed), or answered
    /// something this payctl cannot read.
    case refused = 1
    /// The command line is wrong (argument-parser's validation errors are mapped here).
    case usage = 2
    /// The daemon could not be reached, or stopped answering (the message names the socket).
    case unreachable = 3
    /// The payment (or other named thing) does not exist.
    case notFound = 4

    /// The status for a failed client call.
    public init(_ error: PaymentdClientError) {
        switch error {
        case .remote(let wire) where wire.code == "not_found": self = .notFound
        case .remote, .malformedResponse, .responseTooLong: self = .refused
        case .connectionFailed, .connectionClosed, .timedOut: self = .unreachable
        }
    }
}
