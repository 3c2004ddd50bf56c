import Postgres
import Synchronization

/// A few database sessions for request handling (enqueue, status, list), used round-robin so
/// one slow lookup does not queue every client behind it. Each loop has a session of its own
/// outside this pool.
final class SessionPool: Sendable {
    private let sessions: [PostgresSession]
    private let cursor = Atomic<Int>(0)

    init(conninfo: String, size: Int, name: String) {
        sessions = (0..<max(1, size)).map { PostgresSession(conninfo: conninfo, name: "\(name)-\($0)", setupSQL: DatabaseSetup.sql) }
    }

    var next: PostgresSession {
        let index = cursor.add(1, ordering: .relaxed).newValue
        return sessions[index % sessions.count]
    }

    var all: [PostgresSession] { sessions }
}

/// Session settings every paymentd connection runs with: timestamps are written and read in
/// UTC (the seed's columns are `timestamp` without time zone), no statement may hang a loop for
/// ever, and no transaction may stay open and idle for ever: the send and mint loops keep their
/// claiming transaction open across chain calls (simulation, fees) so the claimed rows stay
/// locked until their outcome is written, and a loop wedged in such a call must not hold the
/// rows or the connection (the server ends the transaction; the rows are claimed again).
enum DatabaseSetup {
    static let sql = "SET TIME ZONE 'UTC'; SET statement_timeout = '60s'; SET lock_timeout = '10s'; "
        + "SET idle_in_transaction_session_timeout = '120s'"
}
