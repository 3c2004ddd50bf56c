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

    /// Issue 8, item 4: a legacy job whose "token" is an ordinary account (it answers
    /// `hasMinted` with `0x`) and one whose dedupe hash is malformed used to throw on every
    /// iteration and starve every other job. Each now fails alone, with its reason.
    func testJobsThatCanNeverBeMintedFailAloneWithTheirReasons() async throws {
        let testbed = try await EngineTestbed(settings: ["batch_interval_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let db = try testbed.database()
        let notAContract = testbed.chain.buyers[5].address
        try db.query("""
            INSERT INTO mint_queue (payer_address, recipient, tx_hash_bytes32, token_address, status, created_at) VALUES
              ($1, $1, $2, $3, 'pending', now() - interval '2 hours'),
              ($1, $1, '0x1234', $4, 'pending', now() - interval '1 hour')
            """, [testbed.chain.buyers[0].address, Bytes32.keccak256(Array(UUID().uuidString.utf8)).hex, notAContract,
                  testbed.mintToken.checksummed])
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1), quantity: 2))
        try await testbed.wait("the good payment's mints completed") {
            let mints = try await testbed.engine.status(paymentID: payment.paymentID).mints
            return mints.count == 2 && mints.allSatisfy { $0.status == .completed }
        }
        let failed = try db.query("""
            SELECT token_address, status, error_message FROM mint_queue WHERE payment_id IS NULL ORDER BY created_at
            """).rows
        XCTAssertEqual(try failed.map { try $0.string("status") }, ["failed", "failed"])
        let notMintContract = try failed[0].string("error_message")
        XCTAssertTrue(notMintContract.contains("not a mint contract"), notMintContract)
        let malformed = try failed[1].string("error_message")
        XCTAssertTrue(malformed.contains("0x1234") && malformed.contains("dedupe hash"), malformed)
    }

    /// Issue 8, item 5: a node that errors on `eth_estimateGas` (rate limit, overload) says
    /// nothing about the mint: the jobs wait and are minted once it answers, with no attempt
    /// counted against them. Before, any error counted as a revert and five in a row failed
    /// paid mints for good.
    func testNodeErrorsOnGasEstimatesAreNotCountedAsReverts() async throws {
        let testbed = try await EngineTestbed(settings: ["batch_interval_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        addTeardownBlock { _ = try? testbed.chain.resetFaults() }
        try await testbed.drainPool()
        try testbed.chain.control("devchain_failNextRequests", [7, "rpc-error", ["eth_estimateGas"]])
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(2), quantity: 2))
        try await testbed.wait("the mints completed once the node answered", seconds: 180) {
            let mints = try await testbed.engine.status(paymentID: payment.paymentID).mints
            return mints.count == 2 && mints.allSatisfy { $0.status == .completed }
        }
        let remaining = try testbed.chain.control("devchain_status")["failNextRequests"]?.intValue
        XCTAssertEqual(remaining, 0, "every injected estimate error was met")
        let retries = try testbed.database().query("SELECT max(coalesce(retry_count, 0)) AS n FROM mint_queue").first!.int64("n")
        XCTAssertEqual(retries, 0, "no node error was counted as a revert")
    }

    /// An operator can put failed mint jobs back in the queue once the cause is fixed.
    func testRetryMintRequeuesAPaymentsFailedJobs() async throws {
        let testbed = try await EngineTestbed(settings: ["batch_interval_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3)))
        try await testbed.wait("minted") { try await testbed.engine.status(paymentID: payment.paymentID).mints.first?.status == .completed }
        do {
            _ = try await testbed.engine.retryMints(paymentID: payment.paymentID)
            XCTFail("nothing to retry")
        } catch {
            XCTAssertEqual(error.code, "invalid_transition")
        }
        // As if an earlier attempt had failed it (the minter lacked its role, say).
        try testbed.database().query("UPDATE mint_queue SET status = 'failed', error_message = 'mint would revert' WHERE payment_id = $1::uuid",
                                     [payment.paymentID])
        let requeued = try await testbed.engine.retryMints(paymentID: payment.paymentID)
        XCTAssertEqual(requeued.mints.map(\.status), [.pending])
        try await testbed.wait("done again: already minted on-chain") {
            try await testbed.engine.status(paymentID: payment.paymentID).mints.first?.status == .completed
        }
        let minted = try await testbed.engine.status(paymentID: payment.paymentID).mints.first?.error
        XCTAssertEqual(minted, "already minted on-chain", "the dedupe hash keeps it minted once")
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
