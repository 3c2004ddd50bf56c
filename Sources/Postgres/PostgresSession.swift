import ThreadExecutor

/// An async front for one `PostgresConnection`, running on a thread of its own.
///
/// Each long-running piece of the daemon (send loop, confirm loop, socket handlers) owns a
/// session, so a slow statement in one never blocks another or Swift's cooperative pool. A
/// broken connection is reopened on the next call; the failing call still throws, so callers
/// decide whether to retry (a statement that may have committed is never silently re-run).
/// A connection the server closed while it sat idle (a restart) is noticed before the next
/// statement is sent and replaced then, so that statement does not fail for it.
public actor PostgresSession {
    private let executor: DedicatedThreadExecutor
    private let conninfo: String
    private let setupSQL: String?
    private var connection: PostgresConnection?
    /// Connections opened so far. Whatever a server session holds (advisory locks, session
    /// settings) lives only as long as its connection: a holder compares this number before and
    /// after to learn that a reconnect, transparent to its statements, dropped what it held.
    public private(set) var connectionsOpened = 0

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates the session; the connection opens lazily on first use. `setupSQL` runs on every
    /// new connection (e.g. `SET TIME ZONE 'UTC'`), so a reconnect restores session settings.
    public init(conninfo: String, name: String = "postgres", setupSQL: String? = nil) {
        self.conninfo = conninfo
        self.setupSQL = setupSQL
        self.executor = DedicatedThreadExecutor(name: name)
    }

    deinit { executor.shutdown() }

    /// Runs `body` with the connection, on the session's thread.
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) throws -> T) throws -> T {
        let conn = try open()
        do {
            return try body(conn)
        } catch let error as PostgresError where error.isConnectionFailure {
            connection = nil
            throw error
        } catch {
            if !conn.isHealthy {
                connection = nil
            } else if conn.isInFailedTransaction {
                // A failed transaction refuses everything until it ends; nothing in it can be
                // saved, so end it here rather than let the session refuse every later call.
                try? conn.execute("ROLLBACK")
            }
            throw error
        }
    }

    /// Runs `body` inside a transaction on the session's thread.
    public func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) throws -> T) throws -> T {
        try withConnection { conn in try conn.transaction(body) }
    }

    /// Runs one statement.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try withConnection { conn in try conn.query(sql, parameters) }
    }

    /// Opens the connection now (used at start-up to fail fast with a clear error).
    public func connect() throws {
        _ = try open()
    }

    /// Closes the connection; the next call reopens it.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func open() throws(PostgresError) -> PostgresConnection {
        if let connection, connection.isOpenAfterReadingIdleInput() { return connection }
        connection = nil
        let fresh = try PostgresConnection(conninfo: conninfo)
        if let setupSQL { try fresh.execute(setupSQL) }
        connection = fresh
        connectionsOpened += 1
        return fresh
    }
}
