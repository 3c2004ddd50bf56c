import Postgres
import TestHarness
import XCTest

final class PostgresSessionTests: XCTestCase {
    func testSessionRunsQueriesFromAsyncCode() async throws {
        let session = PostgresSession(conninfo: try ThrowawayPostgres.shared().makeDatabase())
        let n = try await session.query("SELECT $1::int * 2 AS n", ["21"]).first?.int64("n")
        XCTAssertEqual(n, 42)
    }

    func testSessionReconnectsAfterConnectionLoss() async throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase()
        let session = PostgresSession(conninfo: conninfo)
        let pid = try await session.query("SELECT pg_backend_pid() AS pid").first!.string("pid")
        let admin = try PostgresConnection(conninfo: conninfo)
        try admin.query("SELECT pg_terminate_backend($1::int)", [pid])
        do {
            _ = try await session.query("SELECT 1")
            XCTFail("a query on a terminated backend must fail")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isConnectionFailure)
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
