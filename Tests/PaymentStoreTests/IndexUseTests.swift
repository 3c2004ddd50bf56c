import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
import Postgres
import TestHarness
import XCTest

/// Every statement the engine and `stats` run while serving payments finds its rows through an
/// index, so its cost does not grow with the history (before migration 013, enqueue's count of
/// a payer's unsettled payments and `stats` read every payment ever made).
///
/// The check is the server's own scan counter: with sequential scans priced out of the
/// planner's choice (`enable_seqscan = off`), a statement still scans a table only when no
/// index can serve it. Pending statistics are flushed before each reading.
final class IndexUseTests: XCTestCase {
    private static let payer = try! Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9")
    private static let mintToken = try! Address(hex: "0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084")
    private static let usdc = try! Address(hex: "0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F")

    private func newPayment(nonce: UInt8) -> NewPayment {
        let authNonce = Bytes32.repeating(nonce)
        let transfer = TransferWithAuthorization(from: Self.payer, to: Self.mintToken, value: 1_000, validAfter: 0, validBefore: 1_900_000_000,
                                                 nonce: authNonce)
        let auth = AuthorizationPayload(from: Self.payer.checksummed, to: Self.mintToken.checksummed, value: "1000",
                                        validAfter: "0", validBefore: "1900000000", nonce: authNonce.hex,
                                        signature: "0x" + String(repeating: "ab", count: 65))
        return NewPayment(type: .mint, token: Self.mintToken, transfer: transfer, authorization: auth, amount: 1_000, paymentToken: Self.usdc,
                          metadata: ["quantity": 1], idempotencyKey: "key-\(nonce)")
    }

    private func sequentialScans(on conn: PostgresConnection) throws -> [String: Int64] {
        _ = try conn.query("SELECT pg_stat_force_next_flush()")
        var scans: [String: Int64] = [:]
        for row in try conn.query("""
            SELECT relname, coalesce(seq_scan, 0) AS n FROM pg_stat_user_tables WHERE relname IN ('payment_queue', 'mint_queue')
            """).rows {
            scans[try row.string("relname")] = try row.int64("n")
        }
        return scans
    }

    private func assertIndexed(_ what: String, on conn: PostgresConnection, _ body: () throws -> Void, line: UInt = #line) throws {
        let before = try sequentialScans(on: conn)
        try body()
        let after = try sequentialScans(on: conn)
        XCTAssertEqual(after, before, "\(what) read a queue without an index", line: line)
    }

    func testServingStatementsAreIndexedAtAnyHistoryLength() throws {
        let conn = try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "indexes"))
        defer { conn.close() }
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: conn)
        // A history: settled payments of the same payer, each with its mint job.
        try conn.execute("""
            WITH p AS (
              INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount, payment_token_address, status,
                                         auth_nonce, created_at, processed_at, signer, nonce, tx_hash, settlement_log_index, confirmed_block, finalized)
              SELECT 'mint', '\(Self.mintToken.checksummed)', '{}'::jsonb, '\(Self.payer.checksummed)', '1000', '\(Self.usdc.checksummed)',
                     CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'completed' END, '0x' || lpad(to_hex(g + 1000), 64, '0'),
                     now() - make_interval(secs => g), now() - make_interval(secs => g) + interval '2 seconds',
                     '0x000000000000000000000000000000000000000' || (g % 4), g, '0x' || lpad(to_hex(g), 64, '0'), 0, g, true
              FROM generate_series(1, 5000) g RETURNING id, status)
            INSERT INTO mint_queue (payment_id, item_index, token_address, payer_address, status, tx_hash_bytes32)
            SELECT id, 0, '\(Self.mintToken.checksummed)', '\(Self.payer.checksummed)', status, md5(id::text) FROM p
            """)
        try conn.execute("ANALYZE payment_queue; ANALYZE mint_queue")
        try conn.execute("SET enable_seqscan = off")

        var inserted: PaymentRow?
        try assertIndexed("enqueue", on: conn) {
            guard case .inserted(let row) = try PaymentQueue.insert(newPayment(nonce: 1), maxUnsettledPerPayer: 10, on: conn) else {
                return XCTFail("not inserted")
            }
            inserted = row
        }
        try assertIndexed("enqueue of a known authorization", on: conn) {
            _ = try PaymentQueue.insert(newPayment(nonce: 1), maxUnsettledPerPayer: 10, on: conn)
        }
        let id = try XCTUnwrap(inserted).id
        try assertIndexed("status by id and by key", on: conn) {
            XCTAssertNotNil(try PaymentQueue.byID(id, on: conn))
            XCTAssertNotNil(try PaymentQueue.byIdempotencyKey("key-1", on: conn))
            XCTAssertEqual(try MintQueue.jobs(paymentID: id, on: conn).count, 0)
        }
        try assertIndexed("list", on: conn) {
            XCTAssertEqual(try PaymentQueue.list(status: nil, payer: nil, limit: 50, on: conn).rows.count, 50)
            XCTAssertEqual(try PaymentQueue.list(status: .failed, payer: nil, limit: 20, on: conn).rows.count, 20)
            XCTAssertEqual(try PaymentQueue.list(status: nil, payer: Self.payer.lowercaseHex, limit: 10, on: conn).rows.count, 10)
            XCTAssertEqual(try PaymentQueue.list(status: nil, payer: nil, olderThanSeconds: 60, limit: 10, on: conn).rows.count, 10)
        }
        try assertIndexed("stats", on: conn) {
            let stats = try StatsQuery.run(on: conn)
            XCTAssertEqual(stats.counts[.completed], 4_900)
            XCTAssertEqual(stats.counts[.failed], 100)
            XCTAssertEqual(stats.counts[.pending], 1)
            XCTAssertEqual(stats.mintCounts[.completed], 4_900)
        }
        try assertIndexed("the send loop's claim", on: conn) {
            try conn.transaction { tx in
                XCTAssertEqual(try PaymentQueue.claimPending(limit: 50, on: tx).rows.map(\.id), [id])
                XCTAssertEqual(try PaymentQueue.processing(on: tx).rows.count, 0)
            }
        }
        try assertIndexed("the confirm loop's reads", on: conn) {
            XCTAssertEqual(try PaymentQueue.unsettled(on: conn).rows.count, 0)
            XCTAssertEqual(try PaymentQueue.unfinalizedBlocks(on: conn).count, 0)
            XCTAssertEqual(try MintQueue.unfinalizedBlocks(on: conn).count, 0)
        }
        try assertIndexed("the mint loop's reads", on: conn) {
            try conn.transaction { tx in
                XCTAssertEqual(try MintQueue.claimPending(limit: 50, settledAtOrBelow: 1_000_000, on: tx).rows.count, 0)
            }
            XCTAssertEqual(try MintQueue.openBatches(on: conn).rows.count, 0)
        }
        try assertIndexed("nonce recovery", on: conn) {
            let signer = try Address(hex: "0x0000000000000000000000000000000000000003")
            XCTAssertEqual(try NonceRecords.at(signer: signer, from: 4_990, on: conn).map(\.nonce), [4_991, 4_995, 4_999])
        }
    }
}
