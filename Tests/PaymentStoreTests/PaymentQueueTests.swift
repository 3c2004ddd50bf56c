import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
import Postgres
import TestHarness
import XCTest

final class PaymentQueueTests: XCTestCase {
    private func migratedDatabase() throws -> PostgresConnection {
        let conn = try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "queue"))
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: conn)
        return conn
    }

    private static let payer = try! Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9")
    private static let mintToken = try! Address(hex: "0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084")
    private static let usdc = try! Address(hex: "0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F")

    private func payment(nonce: UInt8, key: String? = nil) -> NewPayment {
        let authNonce = Bytes32.repeating(nonce)
        let transfer = TransferWithAuthorization(from: Self.payer, to: Self.mintToken, value: 1_000_000, validAfter: 0, validBefore: 1_900_000_000,
                                                 nonce: authNonce)
        let auth = AuthorizationPayload(from: Self.payer.checksummed, to: Self.mintToken.checksummed, value: "1000000",
                                        validAfter: "0", validBefore: "1900000000", nonce: authNonce.hex, signature: "0x" + String(repeating: "ab", count: 65))
        return NewPayment(type: .mint, token: Self.mintToken, transfer: transfer, authorization: auth, amount: 1_000_000, paymentToken: Self.usdc,
                          metadata: ["quantity": 1], idempotencyKey: key)
    }

    func testInsertReturnsPendingRow() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let row) = try PaymentQueue.insert(payment(nonce: 1), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        XCTAssertEqual(row.status, .pending)
        XCTAssertEqual(row.authorization?.nonce, "0x" + String(repeating: "01", count: 32))
        XCTAssertEqual(row.metadata, ["quantity": 1])
    }

    func testSameIdempotencyKeyReturnsExistingPayment() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let first) = try PaymentQueue.insert(payment(nonce: 1, key: "order-1"), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        guard case .existingKey(let again) = try PaymentQueue.insert(payment(nonce: 1, key: "order-1"), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        XCTAssertEqual(first.id, again.id)
    }

    func testSameAuthorizationUnderAnotherKeyIsADuplicate() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let first) = try PaymentQueue.insert(payment(nonce: 1, key: "a"), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        guard case .duplicateAuthorization(let existing) = try PaymentQueue.insert(payment(nonce: 1, key: "b"), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        XCTAssertEqual(existing.id, first.id)
        guard case .duplicateAuthorization = try PaymentQueue.insert(payment(nonce: 1), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 1)
    }

    func testPayerWithTooManyUnsettledPaymentsIsRefused() throws {
        let conn = try migratedDatabase()
        for n in 1...3 { _ = try PaymentQueue.insert(payment(nonce: UInt8(n)), maxUnsettledPerPayer: 3, on: conn) }
        XCTAssertEqual(try PaymentQueue.insert(payment(nonce: 9), maxUnsettledPerPayer: 3, on: conn), .tooManyPending(count: 3))
    }

    func testClaimSkipsRowsLockedByAnotherTransaction() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "claim")
        let a = try PostgresConnection(conninfo: conninfo)
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: a)
        for n in 1...4 { _ = try PaymentQueue.insert(payment(nonce: UInt8(n)), maxUnsettledPerPayer: 10, on: a) }
        let b = try PostgresConnection(conninfo: conninfo)
        try a.execute("BEGIN")
        let first = try PaymentQueue.claimPending(limit: 3, on: a)
        try b.execute("BEGIN")
        let second = try PaymentQueue.claimPending(limit: 3, on: b)
        XCTAssertEqual(first.rows.count, 3)
        XCTAssertEqual(second.rows.count, 1)
        XCTAssertTrue(Set(first.rows.map(\.id)).isDisjoint(with: second.rows.map(\.id)))
        try a.execute("ROLLBACK")
        try b.execute("ROLLBACK")
    }

    /// Found by reading (issue 16): a completed payment being restored after a reorg, with no
    /// bytes of ours to broadcast, was read by both loops: the send loop signed it anew while
    /// the confirm loop, deciding from its earlier read, sent it back to pending, wiping the
    /// fresh signature, so it was signed twice. Each restoring row is one loop's: without bytes
    /// the send loop's (it signs, or finds who paid it), with bytes the confirm loop's.
    func testARestoringPaymentIsReadByExactlyOneLoop() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let row) = try PaymentQueue.insert(payment(nonce: 9), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        try conn.query("""
            UPDATE payment_queue SET status = 'completed', reorged_at = now(), raw_tx = NULL, signer = NULL, nonce = NULL,
                tx_hash = $2, confirmed_block = NULL, confirmed_block_hash = NULL WHERE id = $1::uuid
            """, [row.id, "0x" + String(repeating: "cd", count: 32)])
        func claimed() throws -> [String] { try conn.transaction { tx in try PaymentQueue.claimPending(limit: 10, on: tx).rows.map(\.id) } }
        XCTAssertEqual(try claimed(), [row.id], "without bytes: the send loop's")
        XCTAssertEqual(try PaymentQueue.unsettled(on: conn).rows.map(\.id), [], "and not the confirm loop's")
        try conn.query("UPDATE payment_queue SET raw_tx = $2, signer = $3, nonce = 5 WHERE id = $1::uuid",
                       [row.id, "0x02f0", "0x1111111111111111111111111111111111111111"])
        XCTAssertEqual(try claimed(), [], "with bytes: not the send loop's")
        XCTAssertEqual(try PaymentQueue.unsettled(on: conn).rows.map(\.id), [row.id], "but the confirm loop's")
    }

    func testCompletionCreatesMintJobsExactlyOnce() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let row) = try PaymentQueue.insert(payment(nonce: 1), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        let tx = Bytes32.repeating(0x77)
        let jobs = (0..<3).map { NewMintJob(paymentID: row.id, index: $0, payer: row.payer, recipient: row.payer, token: row.token!, paymentTxHash: tx) }
        let settlement = PaymentSettlement(paymentID: row.id, txHash: tx, blockNumber: 5, blockHash: Bytes32.repeating(0x88),
                                           logIndex: 3, result: ["settled_by": "paymentd"], mints: jobs)
        try PaymentQueue.complete([settlement], on: conn)
        try PaymentQueue.complete([settlement], on: conn)
        XCTAssertEqual(try PaymentQueue.byID(row.id, on: conn)?.status, .completed)
        let stored = try MintQueue.jobs(paymentID: row.id, on: conn)
        XCTAssertEqual(stored.map(\.index), [0, 1, 2])
        XCTAssertEqual(Set(stored.map(\.dedupeHash)).count, 3)
        XCTAssertEqual(stored.first?.dedupeHash, MintJobKey.dedupeHash(paymentID: row.id, index: 0).hex)
    }

    /// Issue 8 item 1: one pair of logs (transaction, AuthorizationUsed log index) pays one
    /// payment, whichever tick claims it; different pairs of one transaction (a multicall) pay
    /// one payment each, in one call or in separate ones.
    func testOnePairOfLogsCompletesOnePaymentAndAMulticallCompletesEach() throws {
        let conn = try migratedDatabase()
        var rows: [PaymentRow] = []
        for nonce in 1...4 {
            guard case .inserted(let row) = try PaymentQueue.insert(payment(nonce: UInt8(nonce)), maxUnsettledPerPayer: 10, on: conn) else {
                return XCTFail("insert \(nonce)")
            }
            rows.append(row)
        }
        let multicall = Bytes32.repeating(0xab)
        func settlement(_ row: PaymentRow, logIndex: UInt64) -> PaymentSettlement {
            PaymentSettlement(paymentID: row.id, txHash: multicall, blockNumber: 9, blockHash: Bytes32.repeating(0xcd),
                              logIndex: logIndex, result: ["settled_by": "other_transaction"], mints: [])
        }
        try PaymentQueue.complete([settlement(rows[0], logIndex: 0), settlement(rows[1], logIndex: 2)], on: conn)
        // A later tick: a third pair of the same transaction pays a third payment...
        try PaymentQueue.complete([settlement(rows[2], logIndex: 4)], on: conn)
        // ...but a pair that already paid one payment pays no other.
        try PaymentQueue.complete([settlement(rows[3], logIndex: 2)], on: conn)
        let statuses = try rows.map { try PaymentQueue.byID($0.id, on: conn)?.status }
        XCTAssertEqual(statuses, [.completed, .completed, .completed, .pending])
        XCTAssertEqual(try PaymentQueue.byID(rows[1].id, on: conn)?.settlementLogIndex, 2)
        // The unique index refuses the pair even from a writer that skips the check.
        XCTAssertThrowsError(try conn.query("UPDATE payment_queue SET status = 'completed', tx_hash = $1, settlement_log_index = 2 WHERE id = $2::uuid",
                                            ["0x" + String(repeating: "AB", count: 32), rows[3].id]))
    }

    func testMintDedupeHashDependsOnlyOnPaymentAndIndex() {
        let id = "8a7b6c5d-0000-4000-8000-000000000001"
        XCTAssertEqual(MintJobKey.dedupeHash(paymentID: id, index: 0), MintJobKey.dedupeHash(paymentID: id.uppercased(), index: 0))
        XCTAssertNotEqual(MintJobKey.dedupeHash(paymentID: id, index: 0), MintJobKey.dedupeHash(paymentID: id, index: 1))
    }

    func testSignerNonceCannotBeHeldTwice() throws {
        let conn = try migratedDatabase()
        guard case .inserted(let a) = try PaymentQueue.insert(payment(nonce: 1), maxUnsettledPerPayer: 10, on: conn),
              case .inserted(let b) = try PaymentQueue.insert(payment(nonce: 2), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        let attempt = TransactionAttempt(hash: Bytes32.repeating(1), nonce: 7, maxFeePerGas: 1,
                                         maxPriorityFeePerGas: 1, at: 0)
        let signer = try Address(hex: "0x00000000000000000000000000000000000000ab")
        try PaymentQueue.recordSigned([SignedPaymentTransaction(paymentID: a.id, signer: signer, nonce: 7, rawTx: [2], attempt: attempt)], on: conn)
        XCTAssertThrowsError(try PaymentQueue.recordSigned(
            [SignedPaymentTransaction(paymentID: b.id, signer: signer, nonce: 7, rawTx: [3], attempt: attempt)], on: conn))
    }

    /// A row whose columns cannot be read (a legacy payer that is no address) is reported by
    /// the query that found it, with the reason, and the others are read as usual.
    func testUnreadableRowsAreReportedAndSteppedAround() throws {
        let conn = try migratedDatabase()
        _ = try PaymentQueue.insert(payment(nonce: 1), maxUnsettledPerPayer: 10, on: conn)
        guard case .inserted(let broken) = try PaymentQueue.insert(payment(nonce: 2), maxUnsettledPerPayer: 10, on: conn) else { return XCTFail() }
        try conn.query("UPDATE payment_queue SET payer = 'not an address' WHERE id = $1::uuid", [broken.id])
        let batch = try PaymentQueue.list(status: nil, payer: nil, limit: 10, on: conn)
        XCTAssertEqual(batch.rows.count, 1)
        XCTAssertEqual(batch.unreadable.map(\.id), [broken.id])
        XCTAssertTrue(batch.unreadable[0].error.description.contains("payer"), batch.unreadable[0].error.description)
    }
}
