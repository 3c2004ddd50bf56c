import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 16, scenario 2: a reverted receipt is proof only that *this transaction* failed.
/// Before, a transfer that ran out of gas (`transfer_gas_limit` 55,000, no simulation) ended
/// `confirmation_failed` for good: a third party then relayed the public, still valid
/// authorization, the receiver was paid, and nothing was minted. Now the payment is signed
/// again a bounded number of times (with more gas), and then watched until it expires.
final class RevertThenRelayTests: XCTestCase {
    private let outOfGas = ["transfer_gas_limit": "55000", "simulate_before_send": "false"]

    func testAThirdPartyRelayAfterOurTransactionRevertedCompletesThePaymentAndMintsOnce() async throws {
        let testbed = try await EngineTestbed(settings: outOfGas.merging(["revert_retries": "0"]) { $1 })
        try await testbed.drainPool()
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        let buyer = try testbed.buyerKey(3)
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        let mintedBefore = try await testbed.mintBalance(buyer.address)
        let request = try testbed.request(buyer: buyer)
        let queued = try await testbed.engine.enqueue(request)
        try await testbed.wait("our transaction to revert") {
            try await testbed.engine.status(paymentID: queued.paymentID).status == .confirmationFailed
        }

        let relayed = try await FrontRunner(testbed: testbed).relay(request)
        try await testbed.wait("the payment completed by the third party's transaction") {
            try await testbed.engine.status(paymentID: queued.paymentID).status == .completed
        }
        let snapshot = try await testbed.engine.status(paymentID: queued.paymentID)
        XCTAssertEqual(snapshot.txHash, relayed.hex)
        XCTAssertEqual(snapshot.result?["settled_by"]?.stringValue, "other_transaction")
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        try await testbed.wait("its item minted") { try await testbed.mintBalance(buyer.address) == mintedBefore + mintAmount }
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, UInt256(EngineTestbed.unitPrice), "paid once")
        let jobs = try testbed.database().query("SELECT count(*) AS n FROM mint_queue").first!.int64("n")
        XCTAssertEqual(jobs, 1, "one mint job")
    }

    func testOurTransactionThatRanOutOfGasIsSignedAgainWithMoreGas() async throws {
        let testbed = try await EngineTestbed(settings: outOfGas)
        try await testbed.drainPool()
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        let buyer = try testbed.buyerKey(4)
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        let mintedBefore = try await testbed.mintBalance(buyer.address)
        let queued = try await testbed.engine.enqueue(try testbed.request(buyer: buyer))
        try await testbed.wait("the payment completed by a transaction of ours", seconds: 90) {
            try await testbed.engine.status(paymentID: queued.paymentID).status == .completed
        }
        let snapshot = try await testbed.engine.status(paymentID: queued.paymentID)
        XCTAssertEqual(snapshot.result?["settled_by"]?.stringValue, "paymentd")
        let row = try testbed.database().query("SELECT revert_retries, gas_limit, jsonb_array_length(attempts) AS n FROM payment_queue").first!
        XCTAssertEqual(try row.int64("revert_retries"), 1, "signed again once")
        XCTAssertEqual(try row.int64("gas_limit"), 110_000, "with twice the gas it ran out of")
        XCTAssertEqual(try row.int64("n"), 2, "two transactions: the reverted one and the one that paid")
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        try await testbed.wait("its item minted") { try await testbed.mintBalance(buyer.address) == mintedBefore + mintAmount }
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, UInt256(EngineTestbed.unitPrice), "paid once")
    }
}
