import Postgres
import TestHarness
import XCTest

final class PostgresSessionTests: XCTestCase {
    func testSessionRunsQueriesFromAsyncCode() async throws {
        let session = PostgresSession(conninfo: try ThrowawayPostgres.shared().makeDatabase())
        let n = try await session.query("SELECT $1::int * 2 AS n", ["21"]).first?.int64("n")
        XCTAssertEqual(n, 42)
    }

    /// A backend ended while the session sat idle (what a PostgreSQL restart does to every
    /// session) is noticed before the next statement is sent: that statement runs on a new
    /// connection instead of failing (issue 8, item 10; before, it failed with the dead
    /// connection's error).
    func testSessionWhoseIdleBackendWasTerminatedRunsTheNextStatementOnANewConnection() async throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase()
        let session = PostgresSession(conninfo: conninfo)
        let pid = try await session.query("SELECT pg_backend_pid() AS pid").first!.string("pid")
        let admin = try PostgresConnection(conninfo: conninfo)
        try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [pid])
        let again = try await session.query("SELECT pg_backend_pid() AS pid").first!.string("pid")
        XCTAssertNotEqual(again, pid, "a new backend serves the session")
    }

    /// A backend ended while a statement runs fails that statement as a connection failure
    /// (it may or may not have taken effect); the next call reconnects.
    func testSessionReconnectsAfterLosingTheConnectionMidStatement() async throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase()
        let session = PostgresSession(conninfo: conninfo)
        let pid = try await session.query("SELECT pg_backend_pid() AS pid").first!.string("pid")
        let sleeper = Task { try await session.query("SELECT pg_sleep(30)") }
        let admin = try PostgresConnection(conninfo: conninfo)
        var terminated = false
        for _ in 0..<500 where !terminated {
            let waiting = try admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int AND query LIKE 'SELECT pg_sleep%'", [pid])
            if try waiting.first!.int64("n") == 1 {
                try admin.query("SELECT pg_terminate_backend($1::int)", [pid])
                terminated = true
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        XCTAssertTrue(terminated, "the statement never started")
        do {
            _ = try await sleeper.value
            XCTFail("a statement whose backend was terminated must fail")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionFailure, "\(error)")
            XCTAssertTrue(error.statementMayHaveRun)
            XCTAssertEqual(error.code, "database_unavailable")
        }
        let again = try await session.query("SELECT 7 AS n").first?.int64("n")
        XCTAssertEqual(again, 7)
    }

    func testSessionDoesNotWaitForAnotherSessionsBlockedStatement() async throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase()
        let holder = try PostgresConnection(conninfo: conninfo)
        try holder.query("SELECT pg_advisory_lock(7)")
        let blocked = PostgresSession(conninfo: conninfo, name: "blocked")
        let free = PostgresSession(conninfo: conninfo, name: "free")
        try await blocked.connect()
        try await free.connect()
        // `blocked` waits on the advisory lock held by `holder` until we release it below.
        let waiter = Task { try await blocked.query("SELECT pg_advisory_lock(7)") }
        // Make sure the waiter is really queued on the lock before asking the other session.
        var waiting = false
        for _ in 0..<200 where !waiting {
            let n = try holder.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").first!.int64("n")
            waiting = n == 1
            if !waiting { try await Task.sleep(for: .milliseconds(20)) }
        }
        XCTAssertTrue(waiting, "the first session never blocked on the lock")
        // If sessions shared a thread, this would never return while the lock is held.
        let n = try await free.query("SELECT 5 AS n").first?.int64("n")
        XCTAssertEqual(n, 5)
        try holder.query("SELECT pg_advisory_unlock(7)")
        _ = try await waiter.value
    }
}
