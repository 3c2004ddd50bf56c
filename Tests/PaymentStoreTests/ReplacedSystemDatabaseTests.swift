import Ethereum
import Foundation
import PaymentModel
import PaymentStore
import Postgres
import TestHarness
import XCTest

/// paymentd adopts a database the replaced system wrote: its rows, statuses and settings stay
/// as they were and read the same way.
final class ReplacedSystemDatabaseTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    private func legacyDatabase() throws -> PostgresConnection {
        let conn = try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "legacy"))
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/replaced-system-database.sql")
        try conn.execute(try String(contentsOf: fixture, encoding: .utf8))
        return conn
    }

    func testMigrationsApplyOnTopOfReplacedSystemsSchema() throws {
        let conn = try legacyDatabase()
        let applied = try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        XCTAssertEqual(applied.first, "001_system_settings")
        let statuses = try conn.query("SELECT id::text AS id, status FROM payment_queue ORDER BY id").rows.map { try $0.string("status") }
        XCTAssertEqual(statuses, ["completed", "sent", "pending", "confirmation_failed", "completed", "processing"])
    }

    func testReplacedSystemsSettingsAreKept() throws {
        let conn = try legacyDatabase()
        try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        let settings = Dictionary(uniqueKeysWithValues: try SystemSettings.all(on: conn).map { ($0.key, $0.value) })
        XCTAssertEqual(settings["payment_batch_interval_ms"], "2000")
        XCTAssertEqual(settings["max_batch_size"], "50")
        XCTAssertEqual(settings["batch_interval_seconds"], "10")
        XCTAssertEqual(settings["retry_max_attempts"], "3")
        XCTAssertNotNil(settings["confirmations_required"], "paymentd's own settings are added")
    }

    func testEveryLegacyRowReadsAsAPayment() throws {
        let conn = try legacyDatabase()
        try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        let sent = try XCTUnwrap(PaymentQueue.byID("22222222-2222-4222-8222-222222222222", on: conn))
        XCTAssertEqual(sent.status, .sent)
        XCTAssertEqual(sent.txHash?.hex, "0x" + String(repeating: "22", count: 32))
        XCTAssertEqual(sent.authorization?.v, "28", "a numeric v is kept as its decimal text")
        XCTAssertNil(sent.signer, "the replaced system recorded no signer")
        XCTAssertEqual(sent.allTransactionHashes.map(\.hex), ["0x" + String(repeating: "22", count: 32)])
        XCTAssertNotNil(sent.transfer, "the legacy authorization reads as typed values")
        let all = try PaymentQueue.list(status: nil, payer: nil, limit: 100, on: conn)
        XCTAssertEqual(all.rows.count, 6)
        XCTAssertEqual(all.unreadable, [])
        XCTAssertEqual(try PaymentQueue.processing(on: conn).rows.map(\.id), ["66666666-6666-4666-8666-666666666666"])
    }

    func testDuplicateLegacyAuthorizationKeepsOneKeyPreferringTheCompletedRow() throws {
        let conn = try legacyDatabase()
        try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        let keyed = try conn.query("""
            SELECT id::text AS id FROM payment_queue WHERE auth_nonce = '0x' || repeat('44', 32)
            """).rows.map { try $0.string("id") }
        XCTAssertEqual(keyed, ["55555555-5555-4555-8555-555555555555"])
        let withNonce = try conn.query("SELECT count(*) AS n FROM payment_queue WHERE auth_nonce IS NOT NULL").first!.int64("n")
        XCTAssertEqual(withNonce, 5)
    }

    func testLegacyMintRowsStayAndNewJobsLinkToTheirPayment() throws {
        let conn = try legacyDatabase()
        try MigrationRunner(directory: Self.repositoryRoot + "/migrations").apply(on: conn)
        let buyer = try Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9")
        let job = NewMintJob(paymentID: "33333333-3333-4333-8333-333333333333", index: 0, payer: buyer, recipient: buyer,
                             token: try Address(hex: "0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084"),
                             paymentTxHash: Bytes32.repeating(0x33))
        try MintQueue.insert([job, job], on: conn)
        XCTAssertEqual(try MintQueue.jobs(paymentID: job.paymentID, on: conn).map(\.dedupeHash), [job.dedupeHash.hex])
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM mint_queue").first!.int64("n"), 2)
        XCTAssertThrowsError(try conn.query("""
            INSERT INTO mint_queue (payer_address, tx_hash_bytes32, payment_id, item_index) VALUES ('0x', '0xff', '99999999-9999-4999-8999-999999999999', 0)
            """), "a mint job cannot point at a payment that does not exist")
    }
}
