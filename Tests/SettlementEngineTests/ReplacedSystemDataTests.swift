import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
import Postgres
@testable import SettlementEngine
import TestHarness
import XCTest

/// Rows the replaced system wrote are carried on: its pending rows are relayed, its sent rows are
/// confirmed from their hash, its crash leftovers are queued again, and what can no longer settle
/// is failed only on chain proof.
final class ReplacedSystemDataTests: XCTestCase {
    func testReplacedSystemsRowsAreCarriedOnToTerminalStates() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "legacyengine")
        let db = try PostgresConnection(conninfo: conninfo)
        let fixture = URL(fileURLWithPath: EngineTestbed.repositoryRoot + "/Tests/PaymentStoreTests/Fixtures/replaced-system-database.sql")
        try db.execute(try String(contentsOf: fixture, encoding: .utf8))
        // The fixture's rows name the default devchain's USDC; these new rows are real, signed by
        // devchain buyers, written in the replaced system's shape.
        let probe = try await EngineTestbed(settings: [:])
        try await probe.drainPool()
        let pending = try probe.request(buyer: try probe.buyerKey(6), quantity: 2, useVRS: true)
        let relayedByOldSystem = try probe.request(buyer: try probe.buyerKey(7))
        let leftover = try probe.request(buyer: try probe.buyerKey(6))
        var expired = try probe.request(buyer: try probe.buyerKey(7))
        expired.authorization.validBefore = String(UInt64(Date().timeIntervalSince1970) - 60)
        let oldSystemTx = try await FrontRunner(testbed: probe).relay(relayedByOldSystem)

        func insert(_ id: String, _ request: PaymentRequest, status: String, txHash: String?) throws {
            var auth = try JSONText.decode(JSONValue.self, from: try JSONText.encode(request.authorization))
            if case .object(var fields) = auth, let v = request.authorization.v, let n = Int64(v) {
                fields["v"] = .int(n)   // the replaced system stored v as a number
                auth = .object(fields)
            }
            try db.query("""
                INSERT INTO payment_queue (id, payment_type, token_address, "authorization", payer, amount, payment_token_address,
                                           metadata, status, tx_hash, created_at, processed_at)
                VALUES ($1::uuid, 'mint', $2, $3::jsonb, $4, $5, $6, $7::jsonb, $8::text, $9, now() - interval '10 minutes',
                        CASE WHEN $8::text = 'sent' THEN now() - interval '9 minutes' END)
                """, [id, request.token, try JSONText.string(auth), request.authorization.from, request.amount, request.paymentToken,
                      try JSONText.string(request.metadata), status, txHash])
        }
        try insert("a0000000-0000-4000-8000-000000000001", pending, status: "pending", txHash: nil)
        try insert("a0000000-0000-4000-8000-000000000002", relayedByOldSystem, status: "sent", txHash: oldSystemTx.hex)
        try insert("a0000000-0000-4000-8000-000000000003", leftover, status: "processing", txHash: nil)
        try insert("a0000000-0000-4000-8000-000000000004", expired, status: "sent", txHash: "0x" + String(repeating: "de", count: 32))

        let engine = SettlementEngine(configuration: probe.configuration, conninfo: conninfo, rpcURL: chain.rpcURL)
        try await engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let run = Task { await engine.run() }
        func status(_ id: String) async throws -> PaymentSnapshot { try await engine.status(paymentID: id) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let states = try await ["1", "2", "3", "4"].asyncMap { try await status("a0000000-0000-4000-8000-00000000000\($0)").status }
            if states == [.completed, .completed, .completed, .confirmationFailed] { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        run.cancel()
        await run.value

        let relayed = try await status("a0000000-0000-4000-8000-000000000001")
        XCTAssertEqual(relayed.status, .completed, "a pending row of the replaced system is relayed")
        XCTAssertEqual(relayed.mints.count, 2)
        let confirmed = try await status("a0000000-0000-4000-8000-000000000002")
        XCTAssertEqual(confirmed.status, .completed, "a sent row is confirmed from its stored hash")
        XCTAssertEqual(confirmed.txHash, oldSystemTx.hex)
        XCTAssertEqual(confirmed.mints.count, 1, "and its mint, which the old system had not made yet, is queued")
        let requeued = try await status("a0000000-0000-4000-8000-000000000003")
        XCTAssertEqual(requeued.status, .completed, "a processing row left by a crash is queued again and settles")
        let lost = try await status("a0000000-0000-4000-8000-000000000004")
        XCTAssertEqual(lost.status, .confirmationFailed, "a lost transaction with an expired authorization fails on chain proof")
        XCTAssertTrue(lost.error?.contains("expired") == true, lost.error ?? "")
        // The fixture's own rows carry fake signatures: they fail before broadcast, never silently.
        let fake = try await status("33333333-3333-4333-8333-333333333333")
        XCTAssertEqual(fake.status, .failed)
        let untouched = try await status("11111111-1111-4111-8111-111111111111")
        XCTAssertEqual(untouched.status, .completed, "terminal rows are left as they were")
        XCTAssertEqual(untouched.mints.count, 0, "and get no new mints")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
