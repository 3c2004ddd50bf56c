import Foundation
import PaymentStore
import Postgres
import TestHarness
import XCTest

/// The status counts kept by migration 013's triggers equal `count(*) GROUP BY status` after
/// any kind of write, before and after a fold, with folds racing writers, and when the
/// migration meets a database that already holds rows.
final class StatusCountsTests: XCTestCase {
    private static let migrations = ReplacedSystemDatabaseTests.repositoryRoot + "/migrations"

    private func migratedDatabase() throws -> String {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "counts")
        let conn = try PostgresConnection(conninfo: conninfo)
        defer { conn.close() }
        try MigrationRunner(directory: Self.migrations).apply(on: conn)
        return conninfo
    }

    /// `n` payments with `status`, each with one mint job of the same status when it has one.
    private static func insertPayments(_ n: Int, status: String, on conn: PostgresConnection) throws {
        try conn.execute("""
            WITH p AS (
              INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount, payment_token_address, status, auth_nonce)
              SELECT 'mint', '0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084', '{}'::jsonb, '0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9',
                     '1000', '0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F', '\(status)', md5(random()::text || g::text)
              FROM generate_series(1, \(n)) g RETURNING id)
            INSERT INTO mint_queue (payment_id, item_index, token_address, payer_address, status, tx_hash_bytes32)
            SELECT id, 0, '0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084', '0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9',
                   CASE '\(status)' WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed' ELSE 'pending' END, md5(id::text)
            FROM p
            """)
    }

    private func truth(_ table: String, on conn: PostgresConnection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try conn.query("SELECT status, count(*) AS n FROM \(table) GROUP BY status").rows {
            counts[try row.string("status")] = Int(try row.int64("n"))
        }
        return counts
    }

    private func assertCountsTrue(_ conn: PostgresConnection, _ message: String, line: UInt = #line) throws {
        let counted = try StatusCounts.read(on: conn)
        XCTAssertEqual(counted.payments, try truth("payment_queue", on: conn), "payments: " + message, line: line)
        XCTAssertEqual(counted.mints, try truth("mint_queue", on: conn), "mint jobs: " + message, line: line)
    }

    func testEveryKindOfWriteKeepsTheCountsTrueBeforeAndAfterAFold() throws {
        let conn = try PostgresConnection(conninfo: try migratedDatabase())
        defer { conn.close() }
        try assertCountsTrue(conn, "empty")
        try Self.insertPayments(30, status: "pending", on: conn)
        try Self.insertPayments(5, status: "completed", on: conn)
        try assertCountsTrue(conn, "multi-row inserts")

        try conn.execute("UPDATE payment_queue SET status = 'processing' WHERE id IN (SELECT id FROM payment_queue WHERE status = 'pending' LIMIT 12)")
        try conn.execute("UPDATE payment_queue SET status = 'sent' WHERE id IN (SELECT id FROM payment_queue WHERE status = 'processing' LIMIT 7)")
        try conn.execute("UPDATE payment_queue SET status = 'completed' WHERE status = 'sent'")
        try conn.execute("UPDATE payment_queue SET updated_at = now()")  // no status changes
        try conn.execute("UPDATE mint_queue SET status = 'processing' WHERE status = 'pending'")
        try assertCountsTrue(conn, "updates")

        let before = try conn.query("SELECT count(*) AS n FROM paymentd_status_counts").first!.int64("n")
        XCTAssertGreaterThan(try StatusCounts.fold(on: conn), 0)
        let after = try conn.query("SELECT count(*) AS n FROM paymentd_status_counts").first!.int64("n")
        XCTAssertLessThan(after, before)
        XCTAssertEqual(after, Int64(try truth("payment_queue", on: conn).count + truth("mint_queue", on: conn).count),
                       "one row per status after a fold")
        try assertCountsTrue(conn, "after a fold")

        try conn.execute("DELETE FROM mint_queue WHERE status = 'processing'")
        try conn.execute("DELETE FROM payment_queue WHERE status = 'pending'")
        try assertCountsTrue(conn, "deletes")
        try conn.execute("TRUNCATE payment_queue, mint_queue")
        try assertCountsTrue(conn, "truncate")
        XCTAssertEqual(try StatusCounts.read(on: conn).payments, [:])
        try Self.insertPayments(3, status: "failed", on: conn)
        try StatusCounts.fold(on: conn)
        try assertCountsTrue(conn, "inserts after a truncate and a fold")
    }

    func testFoldsRacingWritersLoseAndDoubleNothing() throws {
        let conninfo = try migratedDatabase()
        let setup = try PostgresConnection(conninfo: conninfo)
        defer { setup.close() }
        try Self.insertPayments(200, status: "pending", on: setup)

        let failures = LockedFailures()
        let group = DispatchGroup()
        for writer in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do {
                    let conn = try PostgresConnection(conninfo: conninfo)
                    defer { conn.close() }
                    for round in 0..<60 {
                        let (from, to) = [("pending", "processing"), ("processing", "sent"), ("sent", "completed"), ("completed", "pending")][(round + writer) % 4]
                        try conn.execute("""
                            UPDATE payment_queue SET status = '\(to)'
                            WHERE id IN (SELECT id FROM payment_queue WHERE status = '\(from)' LIMIT 7 FOR UPDATE SKIP LOCKED)
                            """)
                        if round % 10 == writer { try Self.insertPayments(3, status: "pending", on: conn) }
                    }
                } catch { failures.add("\(error)") }
            }
        }
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do {
                    let conn = try PostgresConnection(conninfo: conninfo)
                    defer { conn.close() }
                    for _ in 0..<40 { try StatusCounts.fold(on: conn); usleep(2_000) }
                } catch { failures.add("\(error)") }
            }
        }
        group.wait()
        XCTAssertEqual(failures.all, [])
        try assertCountsTrue(setup, "after racing writers and folds")
        try StatusCounts.fold(on: setup)
        try assertCountsTrue(setup, "after a last fold")
    }

    func testTheMigrationCountsRowsAlreadyThere() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "counts")
        let conn = try PostgresConnection(conninfo: conninfo)
        defer { conn.close() }
        let earlier = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: earlier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: earlier) }
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.migrations) where file < "013" {
            try FileManager.default.copyItem(atPath: Self.migrations + "/" + file, toPath: earlier + "/" + file)
        }
        try MigrationRunner(directory: earlier).apply(on: conn)
        try Self.insertPayments(11, status: "completed", on: conn)
        try Self.insertPayments(4, status: "failed", on: conn)
        try Self.insertPayments(6, status: "pending", on: conn)

        let applied = try MigrationRunner(directory: Self.migrations).apply(on: conn)
        XCTAssertEqual(applied.first, "013_paymentd_status_counts")
        try assertCountsTrue(conn, "seeded by the migration")
        XCTAssertEqual(try StatusCounts.read(on: conn).payments, ["completed": 11, "failed": 4, "pending": 6])
    }
}

private final class LockedFailures: @unchecked Sendable {
    // @unchecked Sendable: every access goes through the lock.
    private let lock = NSLock()
    private var failures: [String] = []
    func add(_ failure: String) { lock.withLock { failures.append(failure) } }
    var all: [String] { lock.withLock { failures } }
}
