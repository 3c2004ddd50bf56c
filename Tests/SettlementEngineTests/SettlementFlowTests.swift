import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Payments from enqueue to mint, on Postgres and the devchain.
final class SettlementFlowTests: XCTestCase {
    func testTwoHundredPaymentsCompleteWithTheirMintsOnChain() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        let buyers = try (0..<8).map { try testbed.buyerKey($0) }
        var mintsBefore: [Address: UInt256] = [:]
        for buyer in buyers { mintsBefore[buyer.address] = try await testbed.mintBalance(buyer.address) }
        try await testbed.start()

        var ids: [String] = []
        var expectedItems: [Address: Int] = [:]
        for index in 0..<200 {
            let buyer = buyers[index % buyers.count]
            let quantity = index % 3 + 1
            let result = try await testbed.engine.enqueue(try testbed.request(buyer: buyer, quantity: quantity))
            XCTAssertEqual(result.status, .pending)
            ids.append(result.paymentID)
            expectedItems[buyer.address, default: 0] += quantity
        }
        try await testbed.wait("200 payments completed", seconds: 240) { try testbed.count(.completed) == 200 }
        let totalItems = expectedItems.values.reduce(0, +)
        try await testbed.wait("every mint job completed", seconds: 240) {
            try testbed.database().query("SELECT count(*) AS n FROM mint_queue WHERE status = 'completed'").first!.int64("n") == Int64(totalItems)
        }
        await testbed.stop()

        // The database and the chain agree: every payment's transaction moved its value to the
        // receiver, and every buyer got exactly the tokens it paid for.
        let paid = UInt256(EngineTestbed.unitPrice) * UInt256(UInt64(totalItems))
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, paid)
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        for buyer in buyers {
            let after = try await testbed.mintBalance(buyer.address)
            XCTAssertEqual(after - mintsBefore[buyer.address]!, mintAmount * UInt256(UInt64(expectedItems[buyer.address]!)),
                           "minted to \(buyer.address)")
        }
        let db = try testbed.database()
        let distinctTx = try db.query("SELECT count(DISTINCT tx_hash) AS n FROM payment_queue WHERE status = 'completed'").first!.int64("n")
        XCTAssertEqual(distinctTx, 200)
        let hashes = try db.query("SELECT tx_hash_bytes32 FROM mint_queue").rows.map { try Bytes32(hex: try $0.string("tx_hash_bytes32")) }
        XCTAssertEqual(Set(hashes).count, totalItems, "each mint has its own dedupe hash")
        let minted = try await testbed.rpc.hasMinted(token: testbed.mintToken, hashes: hashes)
        XCTAssertTrue(minted.allSatisfy { $0 })
        let snapshot = try await testbed.engine.status(paymentID: ids[7])
        XCTAssertEqual(snapshot.status, .completed)
        XCTAssertEqual(snapshot.mints.count, 7 % 3 + 1)
        XCTAssertTrue(snapshot.mints.allSatisfy { $0.status == .completed && $0.txHash != nil })
        let stats = try await testbed.engine.stats()
        XCTAssertEqual(stats.counts[.completed], 200)
        XCTAssertEqual(stats.confirmationRate, 1.0)
        XCTAssertEqual(Set(PaymentStatus.allCases), Set(stats.counts.keys))
    }

    func testRecoveryBroadcastsStoredBytesAfterCrashBetweenPersistAndBroadcast() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        for index in 0..<5 {
            _ = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(index)))
        }
        // Claim, sign and record, then "die" before broadcasting.
        let (claimed, records) = try await PaymentSender(engine: testbed.engine).prepareBatch(testbed.engine.currentSettings)
        XCTAssertEqual(claimed, 5)
        XCTAssertEqual(records.count, 5)
        XCTAssertEqual(try testbed.count(.processing), 5)
        for record in records {
            let known = try await testbed.rpc.transaction(record.attempt.hash)
            XCTAssertNil(known, "nothing may have been broadcast yet")
        }
        // A new process starts on the same database.
        _ = testbed.restartedEngine()
        try await testbed.start()
        try await testbed.wait("recovered payments completed") { try testbed.count(.completed) == 5 }
        await testbed.stop()
        let stored = Set(try testbed.database().query("SELECT tx_hash FROM payment_queue").rows.map { try $0.string("tx_hash") })
        XCTAssertEqual(stored, Set(records.map(\.attempt.hash.hex)), "recovery broadcast the very bytes stored before the crash")
    }

    func testFrontRunAuthorizationCompletesWithThatTransactionAndMintsOnce() async throws {
        let testbed = try await EngineTestbed(settings: ["simulate_before_send": "false"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let buyer = try testbed.buyerKey(3)
        let request = try testbed.request(buyer: buyer, quantity: 2)
        try await testbed.drainPool()
        let payment = try await testbed.engine.enqueue(request)
        let mintedBefore = try await testbed.mintBalance(buyer.address)
        // Someone who saw the payload relays it first.
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)
        try await testbed.start()
        try await testbed.wait("front-run payment completed") {
            let mints = try await testbed.engine.status(paymentID: payment.paymentID).mints
            return mints.count == 2 && mints.allSatisfy { $0.status == .completed }
        }
        await testbed.stop()
        let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(snapshot.status, .completed)
        XCTAssertEqual(snapshot.txHash, frontRun.hex, "completed with the transaction that actually paid")
        XCTAssertEqual(snapshot.result?["settled_by"], "other_transaction")
        XCTAssertEqual(snapshot.attempts.count, 1, "our own attempt was sent, reverted, and is not a failure")
        let ours = try await testbed.rpc.receipt(try Bytes32(hex: snapshot.attempts[0]))
        XCTAssertEqual(ours?.succeeded, false)
        let mintedAfter = try await testbed.mintBalance(buyer.address)
        XCTAssertEqual(mintedAfter - mintedBefore, UInt256(decimal: testbed.chain.mintAmount)! * 2, "minted once, not twice")
    }

    func testRevertedPaymentBecomesConfirmationFailedWithoutMints() async throws {
        let testbed = try await EngineTestbed(settings: ["simulate_before_send": "false"])
        addTeardownBlock { await testbed.stop() }
        let broke = try PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 1...200) })
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: broke))
        try await testbed.start()
        try await testbed.wait("reverted payment settled as confirmation_failed") { try testbed.count(.confirmationFailed) == 1 }
        await testbed.stop()
        let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertTrue(snapshot.mints.isEmpty, "a failed payment never mints")
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM mint_queue").first!.int64("n"), 0)
    }

    /// Issue 8, item 9: a payer whose balance is short when the payment is simulated may still
    /// pay (he tops up): the payment waits with a backoff instead of failing, no nonce is used,
    /// others go on, and it settles once the balance is there.
    func testPayerShortOfBalanceWaitsWithoutBurningANonceAndSettlesOnceFunded() async throws {
        let testbed = try await EngineTestbed(signerKeys: [try PrivateKey(hex: EngineTestbed.sharedChain.get().signers[1].privateKey)])
        addTeardownBlock { await testbed.stop() }
        let broke = try PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 1...200) })
        let short = try await testbed.engine.enqueue(try testbed.request(buyer: broke))
        try await testbed.start()
        try await testbed.wait("the short payment deferred") {
            try testbed.database().query("SELECT transient_failures AS n FROM payment_queue WHERE id = $1::uuid", [short.paymentID]).first!.int64("n") >= 1
        }
        let waiting = try await testbed.engine.status(paymentID: short.paymentID)
        XCTAssertEqual(waiting.status, .pending, "a balance short now is no proof the payment can never settle")
        XCTAssertNil(waiting.nonce, "no nonce was used")
        XCTAssertTrue(waiting.error?.contains("exceeds balance") == true, waiting.error ?? "")
        let good = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(4)))
        try await testbed.wait("next payment completed") { try await testbed.engine.status(paymentID: good.paymentID).status == .completed }
        try await testbed.mintUSDC(to: broke.address, amount: UInt256(5_000_000))
        try await testbed.wait("the topped-up payment completed") { try await testbed.engine.status(paymentID: short.paymentID).status == .completed }
        await testbed.stop()
    }

    /// ...and one that never becomes payable fails when its authorization expires, not before.
    func testPayerShortOfBalanceFailsWhenTheAuthorizationExpires() async throws {
        let testbed = try await EngineTestbed(settings: ["min_validity_seconds": "0"])
        addTeardownBlock { await testbed.stop() }
        let broke = try PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 1...200) })
        try await testbed.start()
        let short = try await testbed.engine.enqueue(try testbed.request(buyer: broke, validFor: 12))
        try await testbed.wait("the expired payment failed", seconds: 90) { try testbed.count(.failed) == 1 }
        let failed = try await testbed.engine.status(paymentID: short.paymentID)
        XCTAssertTrue(failed.error?.contains("expired") == true, failed.error ?? "")
        XCTAssertNil(failed.nonce)
        await testbed.stop()
    }

    func testUnfundedSignerPausesThenResumesWhenFunded() async throws {
        let poor = try PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 1...200) })
        let testbed = try await EngineTestbed(signerKeys: [poor])
        addTeardownBlock { await testbed.stop() }
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(5)))
        try await testbed.wait("signer paused") {
            try await testbed.engine.stats().signers.first { $0.role == .payment }?.pausedReason != nil
        }
        let waiting = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(waiting.status, .pending, "nothing is lost or failed while the signer cannot pay")
        try testbed.chain.control("anvil_setBalance", [.string(poor.address.checksummed), "0x56bc75e2d63100000"])
        try await testbed.wait("payment completed after funding") {
            try await testbed.engine.status(paymentID: payment.paymentID).status == .completed
        }
        await testbed.stop()
        let signer = try await testbed.engine.stats().signers.first { $0.role == .payment }
        XCTAssertNil(signer?.pausedReason)
    }

    func testSettingChangeAppliesWithoutRestart() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.start()
        XCTAssertEqual(testbed.engine.currentSettings.paymentBatchSize, 100)
        _ = try await testbed.engine.updateSetting(key: "payment_batch_size", value: "7")
        XCTAssertEqual(testbed.engine.currentSettings.paymentBatchSize, 7)
        do {
            _ = try await testbed.engine.updateSetting(key: "payment_batch_size", value: "-1")
            XCTFail("an invalid value must be refused")
        } catch {
            XCTAssertEqual(error.code, "invalid_setting_value")
        }
        do {
            _ = try await testbed.engine.updateSetting(key: "no_such_setting", value: "1")
            XCTFail("an unknown key must be refused")
        } catch {
            XCTAssertEqual(error.code, "unknown_setting")
        }
        XCTAssertEqual(testbed.engine.currentSettings.paymentBatchSize, 7)
        await testbed.stop()
    }
}
