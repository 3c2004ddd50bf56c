import ErrorCoding

/// What the server said about a failed statement: enough to tell a unique violation from a
/// serialization failure without parsing messages.
public struct PostgresServerError: Sendable, Equatable {
    /// The five-character SQLSTATE, e.g. `23505` for unique_violation.
    public let sqlState: String
    public let message: String
    public let detail: String?
    /// The constraint a violation refers to, when the server names one.
    public let constraint: String?

    public init(sqlState: String, message: String, detail: String? = nil, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// Serialization failures and deadlocks: the transaction may simply be retried.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The server is going away or not there yet: class 08 (connection exception),
    /// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
    public var isConnectionFailure: Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}

/// Failures of the libpq wrapper.
public enum PostgresError: CodedError, Equatable {
    /// The connection could not be opened; the message is libpq's own.
    case connectionFailed(String)
    /// The connection broke while a statement ran (server restart, network, admin kill).
    case connectionLost(String)
    /// The server rejected a statement.
    case server(PostgresServerError)
    /// A result had a shape the caller did not expect (wrong column, bad number text).
    case unexpectedResult(String)

    public var code: String {
        switch self {
        case .connectionFailed, .connectionLost: "database_unavailable"
        case .server(let e) where e.isConnectionFailure: "database_unavailable"
        case .server(let e) where e.isUniqueViolation: "database_unique_violation"
        case .server: "database_error"
        case .unexpectedResult: "database_error"
        }
    }

    public var description: String {
        switch self {
        case .connectionFailed(let m):
            "Could not connect to PostgreSQL: \(m.trimmed). Check the database URL and that the server is running."
        case .connectionLost(let m):
            "The PostgreSQL connection was lost: \(m.trimmed). It will be reopened on the next use."
        case .server(let e):
            "PostgreSQL rejected a statement (SQLSTATE \(e.sqlState)): \(e.message.trimmed)"
                + (e.detail.map { " (\($0.trimmed))" } ?? "")
        case .unexpectedResult(let m):
            "Unexpected database result: \(m)"
        }
    }

    /// Whether the failure is about the connection rather than the statement: the session
    /// must reconnect. Besides libpq's own reports this includes the server's: SQLSTATE class
    /// 08 (connection exception) and 57P01–57P03 (shut down by an administrator or a crash,
    /// cannot accept connections yet), which a restart or a failover sends.
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        case .server(let e): e.isConnectionFailure
        case .unexpectedResult: false
        }
    }

    /// Whether the statement may have reached the server (and so may have taken effect).
    /// Only a connection that could not be opened proves that nothing ran.
    public var statementMayHaveRun: Bool {
        if case .connectionFailed = self { return false }
        return true
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
