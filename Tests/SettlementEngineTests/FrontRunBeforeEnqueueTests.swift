import ChainClient
import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 16, scenario 4: a third party relays the buyer's authorization to our receiver before
/// it reaches us. The buyer has paid us; before, the enqueue was refused
/// `authorization_already_used` and mint-server told him to pay again. Only a use that did not
/// pay us is refused.
final class FrontRunBeforeEnqueueTests: XCTestCase {
    func testAnAuthorizationThatPaidUsBeforeItsEnqueueIsQueuedAndCompletedByThatTransaction() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.drainPool()
        let buyer = try testbed.buyerKey(5)
        let request = try testbed.request(buyer: buyer, quantity: 2, idempotencyKey: "front-run-first")
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        let mintedBefore = try await testbed.mintBalance(buyer.address)
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)

        try await testbed.engine.reloadSettings()
        let queued = try await testbed.engine.enqueue(request)
        XCTAssertEqual(queued.status, .pending)
        XCTAssertFalse(queued.duplicate)
        // The same request again is the same payment; the authorization under another key is not a second one.
        let again = try await testbed.engine.enqueue(request)
        XCTAssertEqual(again.paymentID, queued.paymentID)
        XCTAssertTrue(again.duplicate)
        var otherKey = request
        otherKey.idempotencyKey = "front-run-second"
        let refusal = await testbed.refusalCode(otherKey)
        XCTAssertEqual(refusal, "duplicate_authorization", "one authorization was queued twice")

        let snapshot = try await completedByFrontRunner(queued.paymentID, frontRun, testbed)
        XCTAssertEqual(snapshot.result?["settled_by"]?.stringValue, "other_transaction")
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        try await testbed.wait("both items minted") {
            try await testbed.mintBalance(buyer.address) == mintedBefore + mintAmount * UInt256(2)
        }
        // Paid once: the front-runner's transfer, and nothing of ours.
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, UInt256(EngineTestbed.unitPrice * 2))
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 1)
    }

    /// Issue 16, found by reading: the search's span was a constant 10,000 blocks, and providers
    /// cap `eth_getLogs` lower; on such a provider the front-run payment's enqueue failed (the
    /// buyer, who had paid, was told to retry or pay again). A refused span is halved.
    func testOnAProviderCappingGetLogsTheFrontRunPaymentIsStillFoundAndCompleted() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.drainPool()
        let chain = testbed.chain
        addTeardownBlock { _ = try? chain.resetFaults() }
        let buyer = try testbed.buyerKey(4)
        let request = try testbed.request(buyer: buyer, idempotencyKey: "front-run-capped")
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)
        // The provider takes at most 64 blocks per eth_getLogs; the setting says 10,000, and the
        // search spans more than 64 blocks.
        try chain.control("anvil_mine", [200])
        try chain.control("devchain_setMaxLogRange", [64])
        try await testbed.engine.reloadSettings()
        let queued = try await testbed.engine.enqueue(request)
        try testbed.chain.resetFaults()
        _ = try await completedByFrontRunner(queued.paymentID, frontRun, testbed)
        XCTAssertLessThanOrEqual(testbed.engine.logRange.blocks(configured: 10_000), 64, "the provider's cap was learned")
    }

    /// Issue 16, found by reading: the send stage judged a reverted simulation by its words;
    /// behind a node that gives none, a pending payment relayed by someone else was "try again
    /// later" until it expired, its buyer charged and never served. The token's
    /// `authorizationState` decides instead.
    func testAPendingPaymentFrontRunBehindANodeThatGivesNoRevertReasonIsCompleted() async throws {
        let testbed = try await EngineTestbed(settings: ["max_fee_per_gas_wei": "1"])
        try await testbed.drainPool()
        let chain = testbed.chain
        addTeardownBlock { _ = try? chain.resetFaults() }
        try chain.control("devchain_setOmitRevertData", [true])
        let request = try testbed.request(buyer: try testbed.buyerKey(3), idempotencyKey: "front-run-silent")
        try await testbed.engine.reloadSettings()
        let queued = try await testbed.engine.enqueue(request)
        // Held back by the fee ceiling; meanwhile a third party relays its authorization.
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)
        let snapshot = try await completedByFrontRunner(queued.paymentID, frontRun, testbed)
        XCTAssertEqual(snapshot.result?["settled_by"]?.stringValue, "other_transaction")
    }

    func testAnAuthorizationWhoseNonceThePayerSpentElsewhereIsRefused() async throws {
        let testbed = try await EngineTestbed()
        let buyer = try testbed.buyerKey(6)
        let request = try testbed.request(buyer: buyer)
        // The payer spends the same nonce on a transfer to himself.
        let elsewhere = try testbed.request(buyer: buyer, to: buyer.address, nonce: try Bytes32(hex: request.authorization.nonce))
        try await FrontRunner(testbed: testbed).relay(elsewhere)
        try await testbed.engine.reloadSettings()
        let refusal = await testbed.refusalCode(request)
        XCTAssertEqual(refusal, "authorization_already_used", "an authorization spent elsewhere was queued")
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 0)
    }

    /// Starts the loops and waits until `paymentID` is completed by `frontRun`; returns it.
    private func completedByFrontRunner(_ paymentID: String, _ frontRun: Bytes32, _ testbed: EngineTestbed,
                                        file: StaticString = #filePath, line: UInt = #line) async throws -> PaymentSnapshot {
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        try await testbed.wait("the payment completed by the front-runner's transaction") {
            try await testbed.engine.status(paymentID: paymentID).status == .completed
        }
        let snapshot = try await testbed.engine.status(paymentID: paymentID)
        XCTAssertEqual(snapshot.txHash, frontRun.hex, file: file, line: line)
        return snapshot
    }
}
