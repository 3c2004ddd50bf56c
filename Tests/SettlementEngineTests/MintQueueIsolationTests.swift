import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// One mint job that can never succeed must not hold every mint behind it.
final class MintQueueIsolationTests: XCTestCase {
    func testAJobThatAlwaysRevertsIsLeftOutAndFailedWhileTheOthersMint() async throws {
        let testbed = try await EngineTestbed(settings: ["batch_interval_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        // A job left by the replaced system with a recipient the contract refuses, queued first.
        let db = try testbed.database()
        try db.query("""
            INSERT INTO mint_queue (payer_address, recipient, tx_hash_bytes32, token_address, status, created_at)
            VALUES ($1, '0x0000000000000000000000000000000000000000', $2, $3, 'pending', now() - interval '1 hour')
            """, [testbed.chain.buyers[0].address, Bytes32.keccak256(Array(UUID().uuidString.utf8)).hex, testbed.mintToken.checksummed])
        try await testbed.start()
        let buyer = try testbed.buyerKey(1)
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: buyer, quantity: 2))
        try await testbed.wait("the good payment's mints completed") {
            let mints = try await testbed.engine.status(paymentID: payment.paymentID).mints
            return mints.count == 2 && mints.allSatisfy { $0.status == .completed }
        }
        try await testbed.wait("the poisoned job failed after its attempts") {
            try db.query("SELECT status FROM mint_queue WHERE payment_id IS NULL").first?.string("status") == "failed"
        }
        let poisoned = try XCTUnwrap(db.query("SELECT retry_count, error_message FROM mint_queue WHERE payment_id IS NULL").first)
        XCTAssertEqual(try poisoned.int64("retry_count"), Int64(MintSender.maximumAttempts))
        let message = try poisoned.string("error_message")
        XCTAssertTrue(message.contains("zero address"), message)
    }

    func testEnqueueRefusesMintingToTheZeroAddress() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0))
        request.metadata = ["quantity": 1, "recipient": "0x0000000000000000000000000000000000000000"]
        do {
            _ = try await testbed.engine.enqueue(request)
            XCTFail("a zero recipient must be refused")
        } catch {
            XCTAssertEqual(error.code, "invalid_request")
        }
    }
}
