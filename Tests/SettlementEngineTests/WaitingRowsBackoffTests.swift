import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Found by reading (issue 16): rows the send loop claimed and left pending because they wait
/// on the chain (here a front-run pair not yet `confirmations_required` deep) had no backoff,
/// so as the oldest they filled every claim and newer payments were never signed.
final class WaitingRowsBackoffTests: XCTestCase {
    func testAPaymentWaitingOnTheChainDoesNotHoldNewerPaymentsBack() async throws {
        // One payment per claim, and a front-run pair that stays too shallow for the whole test.
        let testbed = try await EngineTestbed(settings: ["payment_batch_size": "1", "confirmations_required": "1000"])
        try await testbed.drainPool()
        let early = try testbed.request(buyer: try testbed.buyerKey(2), idempotencyKey: "waiting-front-run")
        try await FrontRunner(testbed: testbed).relay(early)
        try await testbed.engine.reloadSettings()
        let waiting = try await testbed.engine.enqueue(early)
        let newer = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3), idempotencyKey: "waiting-newer"))
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        try await testbed.wait("the newer payment signed and sent", seconds: 60) {
            try await testbed.engine.status(paymentID: newer.paymentID).txHash != nil
        }
        let stillWaiting = try await testbed.engine.status(paymentID: waiting.paymentID)
        XCTAssertEqual(stillWaiting.status, .pending, "its pair is not 1,000 blocks deep")
        XCTAssertNil(stillWaiting.txHash, "and nothing of ours was signed for it")
    }
}
