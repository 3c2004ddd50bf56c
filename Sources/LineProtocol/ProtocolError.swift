import ErrorCoding

/// The line protocol's own refusals, before or around the engine: a line that is not a
/// request, a command that does not exist or is not allowed, or a daemon that cannot serve.
///
/// Each case's `code` is part of the protocol (see protocol/PROTOCOL.md, "Error codes") and is
/// never renamed. The engine's own refusals travel as `PaymentError` codes instead.
public enum ProtocolError: CodedError, Hashable {
    /// The line is not JSON (or not UTF-8), and not a bare-word command either.
    case malformedJSON(String)
    /// The line is JSON but not a request: not an object, or no string `cmd`.
    case invalidRequest(String)
    /// `cmd` names no command of this protocol version.
    case unknownCommand(String)
    /// A command's argument is missing or has the wrong type or form; `field` is its path,
    /// e.g. `payment.authorization.value`.
    case invalidArguments(field: String, reason: String)
    /// The line exceeded `limit` bytes (newline included); the connection is closed after it.
    case lineTooLong(limit: Int)
    /// An admin command from a peer whose uid is not allowed to run it.
    case permissionDenied(command: String, uid: UInt32?)
    /// The daemon is draining for shutdown and takes no new work.
    case shuttingDown
    /// The daemon already serves its maximum number of connections.
    case tooManyConnections(limit: Int)
    /// A fault inside the daemon; the request may or may not have taken effect.
    case internalError(String)

    public var code: String {
        switch self {
        case .malformedJSON: "malformed_json"
        case .invalidRequest: "invalid_request"
        case .unknownCommand: "unknown_command"
        case .invalidArguments: "invalid_arguments"
        case .lineTooLong: "line_too_long"
        case .permissionDenied: "permission_denied"
        case .shuttingDown: "shutting_down"
        case .tooManyConnections: "too_many_connections"
        case .internalError: "internal_error"
        }
    }

    public var description: String {
        switch self {
        case .malformedJSON(let reason):
            "The line is not valid JSON (\(reason)); send one JSON object per line, or a bare command word such as `stats`."
        case .invalidRequest(let reason):
            "The line is not a request: \(reason). Send {\"id\":…,\"cmd\":\"<command>\",…}."
        case .unknownCommand(let name):
            "There is no command \"\(name)\"; the commands are \(CommandName.allCases.map(\.rawValue).joined(separator: ", "))."
        case .invalidArguments(let field, let reason):
            "Argument \(field) is invalid: \(reason)."
        case .lineTooLong(let limit):
            "The line exceeds \(limit) bytes including its newline; the connection is closed because framing is lost."
        case .permissionDenied(let command, let uid):
            "`\(command)` is an admin command and peer uid \(uid.map(String.init) ?? "unknown") is not allowed to run it; connect as an admin user."
        case .shuttingDown:
            "The daemon is shutting down and accepts no new work; retry against the restarted daemon."
        case .tooManyConnections(let limit):
            "The daemon already serves \(limit) connections; close idle ones or retry shortly."
        case .internalError(let reason):
            "Internal error: \(reason). The request may or may not have taken effect; check with `status`."
        }
    }
}

/// Every error code the protocol can answer with: its own and the engine's. Clients can rely
/// on this list; the spec lists the same codes.
public enum ProtocolErrorCodes {
    public static let protocolLevel: [String] = [
        "malformed_json", "invalid_request", "unknown_command", "invalid_arguments", "line_too_long",
        "permission_denied", "shutting_down", "too_many_connections", "internal_error",
    ]
    /// The `PaymentError` codes (`unavailable` carries a code of its own, documented as
    /// `unavailable` and its known variants in the spec).
    public static let engine: [String] = [
        "invalid_request", "invalid_signature", "high_s_signature", "signer_mismatch", "recipient_mismatch",
        "value_mismatch", "authorization_not_yet_valid", "authorization_expiring", "token_not_allowed",
        "authorization_already_used", "duplicate_authorization", "idempotency_key_conflict", "too_many_pending",
        "price_mismatch", "quantity_out_of_range", "payment_type_not_allowed",
        "not_found", "invalid_transition", "unknown_setting", "invalid_setting_value", "shutting_down",
    ]
}
