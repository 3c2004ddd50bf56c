import LineProtocolClient

/// What payctl prints when a call fails: the error's code, its message, and one line that says
/// what to do next. The daemon's messages say what went wrong; this adds the operator's next
/// step for the codes where there is an obvious one, and the socket diagnosis when the
/// daemon could not be reached.
public struct FailureReport: Sendable, Equatable {
    public var code: String
    public var lines: [String]
    public var exitStatus: PayctlExitStatus

    public init(_ error: PaymentdClientError, socketPath: String, problem: SocketProblem?) {
        code = error.code
        exitStatus = PayctlExitStatus(error)
        switch error {
        case .connectionFailed:
            let explanation = (problem ?? .other("the connection failed")).explanation(path: socketPath)
            lines = ["payctl: daemon_unreachable: \(explanation)"]
        default:
            var lines = ["payctl: \(error.code): \(error.description)"]
            if let hint = Self.hint(for: error.code) { lines.append("  \(hint)") }
            self.lines = lines
        }
    }

    /// The next step for a daemon error code, where one is obvious.
    static func hint(for code: String) -> String? {
        switch code {
        case "permission_denied":
            "Admin commands need root, the daemon's own user, or a uid listed in the daemon's admin_uids."
        case "not_found":
            "Check the id: `payctl list` shows recent payments, `payctl list --payer ADDRESS` one buyer's."
        case "invalid_transition":
            "`payctl status ID` shows the payment's current state and what may be done with it."
        case "authorization_still_usable":
            "Wait until the authorization's valid_before has passed (`payctl status ID` shows it), then cancel again."
        case "already_paid":
            "Nothing to undo: `payctl status ID` shows the settling transaction and the mints."
        case "shutting_down":
            "The daemon is stopping; run the command again once it is back (`systemctl status paymentd`)."
        case "database_unavailable":
            "PostgreSQL did not answer; check it (`systemctl status postgresql`) and run the command again."
        case "rpc_unavailable":
            "No chain endpoint answered; `payctl stats` shows each endpoint's health."
        case "unknown_setting", "invalid_setting_value":
            "`payctl settings get` lists every key with its description."
        case "price_mismatch", "token_not_allowed", "quantity_out_of_range", "payment_type_not_allowed":
            "`payctl prices` shows what the daemon sells and at what price."
        case "request_timed_out", "connection_closed":
            "Check with `payctl status ID`, or enqueue again with the same idempotency key (never paid twice)."
        default:
            nil
        }
    }
}
