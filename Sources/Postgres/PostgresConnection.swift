import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection, used synchronously from a single thread at a time.
///
/// libpq blocks the calling thread, so this type is deliberately not `Sendable`: async code
/// reaches it through `PostgresSession`, which pins it to a dedicated thread. It owns the
/// `PGconn` and every `PGresult`; nothing outside this file sees a pointer. Statements take
/// parameters as text (`$1`, `$2`, …) and never interpolate values into SQL.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    public let conninfo: String

    /// Opens a connection. `conninfo` is a libpq URL (`postgresql://user@host/db`) or key/value
    /// string (`host=/tmp/sock dbname=payments`).
    public init(conninfo: String) throws(PostgresError) {
        self.conninfo = conninfo
        guard let conn = PQconnectdb(conninfo) else {
            throw .connectionFailed("libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn))
            PQfinish(conn)
            throw .connectionFailed(message)
        }
        handle = conn
        // Notices (e.g. "relation already exists, skipping") would go to stderr otherwise.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether the connection is still usable as far as libpq knows.
    public var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Reads, without waiting, whatever the server sent while the connection sat idle, and
    /// reports whether the connection is still usable. A server that restarted or ended this
    /// backend has sent its notice and closed its end; reading that here lets the caller open a
    /// new connection *before* sending a statement, instead of learning it from a failed one.
    public func isOpenAfterReadingIdleInput() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        let fd = PQsocket(handle)
        guard fd >= 0 else { return false }
        // A notice and the end of the connection may arrive in separate reads: look a few times.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            guard PQconsumeInput(handle) == 1 else { return false }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the connection now; later calls fail with `connectionLost`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Runs one statement with text parameters and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        let conn = try liveHandle()
        let result = withCStrings(parameters) { pointers in
            PQexecParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result, conn: conn)
    }

    /// Runs one or more statements without parameters (migrations, `BEGIN`).
    public func execute(_ sql: String) throws(PostgresError) {
        let conn = try liveHandle()
        _ = try consume(PQexec(conn, sql), conn: conn)
    }

    /// Whether the open transaction block has failed: every statement but ROLLBACK will be
    /// refused until it ends.
    public var isInFailedTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    /// Whether a transaction block is open on this connection.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) != PQTRANS_IDLE
    }

    /// Runs `body` inside `BEGIN … COMMIT`; any thrown error rolls back and is rethrown. When a
    /// transaction is already open, `body` simply joins it (the outer caller commits).
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if isInTransaction { return try body(self) }
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isHealthy { try? execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: - Internals

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw .connectionLost("the connection was closed") }
        return handle
    }

    private func consume(_ result: OpaquePointer?, conn: OpaquePointer) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw failure(conn, fallback: "libpq returned no result")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(columns: [], values: [], affectedRows: affectedRows(result))
        case PGRES_TUPLES_OK:
            return copyRows(result)
        default:
            if PQstatus(conn) != CONNECTION_OK {
                throw .connectionLost(String(cString: PQerrorMessage(conn)))
            }
            throw .server(PostgresServerError(
                sqlState: field(result, "C") ?? "XX000",
                message: field(result, "M") ?? String(cString: PQresultErrorMessage(result)),
                detail: field(result, "D"),
                constraint: field(result, "n")))
        }
    }

    private func failure(_ conn: OpaquePointer, fallback: String) -> PostgresError {
        let message = String(cString: PQerrorMessage(conn))
        if PQstatus(conn) != CONNECTION_OK { return .connectionLost(message.isEmpty ? fallback : message) }
        return .unexpectedResult(message.isEmpty ? fallback : message)
    }

    private func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
        return String(cString: value)
    }

    private func affectedRows(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    private func copyRows(_ result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    rowValues.append(nil)
                } else {
                    rowValues.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            values.append(rowValues)
        }
        return PostgresRows(columns: columns, values: values, affectedRows: rowCount)
    }
}

/// Lends `body` an array of C strings for `parameters` (NULL for `nil`), valid only during the call.
private func withCStrings<R>(_ parameters: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
    defer { owned.forEach { free($0) } }
    return body(owned.map { UnsafePointer($0) })
}
