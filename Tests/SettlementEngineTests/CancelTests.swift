import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 16, scenario 3: `cancel` asks the chain first. Before, a pending payment a third party
/// had already relayed was cancelled: `failed`, the buyer charged, nothing minted, and `retry`
/// then refused `authorization_already_used`. Only what can no longer settle is cancelled.
final class CancelTests: XCTestCase {
    private func cancelRefusal(_ testbed: EngineTestbed, _ id: String) async -> String? {
        do {
            _ = try await testbed.engine.cancel(paymentID: id)
            return nil
        } catch {
            return error.code
        }
    }

    func testCancelOfAPaymentAThirdPartyAlreadyPaidCompletesItInstead() async throws {
        let testbed = try await EngineTestbed()
        let buyer = try testbed.buyerKey(2)
        let mintedBefore = try await testbed.mintBalance(buyer.address)
        let request = try testbed.request(buyer: buyer)
        let queued = try await testbed.engine.enqueue(request)
        let relayed = try await FrontRunner(testbed: testbed).relay(request)

        let refusal = await cancelRefusal(testbed, queued.paymentID)
        XCTAssertEqual(refusal, "already_paid", "a paid payment was cancelled")
        let snapshot = try await testbed.engine.status(paymentID: queued.paymentID)
        XCTAssertEqual(snapshot.status, .completed)
        XCTAssertEqual(snapshot.txHash, relayed.hex)
        XCTAssertEqual(snapshot.mints.map(\.status), [.pending], "its tokens wait for the mint loop")

        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        try await testbed.wait("its item minted") { try await testbed.mintBalance(buyer.address) == mintedBefore + mintAmount }
    }

    func testCancelOfAStillUsableAuthorizationIsRefusedAndLeavesItPending() async throws {
        let testbed = try await EngineTestbed()
        let queued = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3)))
        let refusal = await cancelRefusal(testbed, queued.paymentID)
        XCTAssertEqual(refusal, "authorization_still_usable", "a payment anyone could still settle was cancelled")
        let status = try await testbed.engine.status(paymentID: queued.paymentID).status
        XCTAssertEqual(status, .pending)
    }

    func testCancelOfAnAuthorizationThePayerSpentElsewhereFailsIt() async throws {
        let testbed = try await EngineTestbed(settings: ["finality_depth": "1"])
        try await testbed.engine.reloadSettings()
        let buyer = try testbed.buyerKey(4)
        let request = try testbed.request(buyer: buyer)
        let queued = try await testbed.engine.enqueue(request)
        let elsewhere = try testbed.request(buyer: buyer, to: buyer.address, nonce: try Bytes32(hex: request.authorization.nonce))
        let spent = try await FrontRunner(testbed: testbed).relay(elsewhere)

        let cancelled = try await testbed.engine.cancel(paymentID: queued.paymentID)
        XCTAssertEqual(cancelled.status, .failed)
        XCTAssertTrue(cancelled.error?.hasPrefix("cancelled by operator: ") == true, cancelled.error ?? "")
        XCTAssertTrue(cancelled.error?.contains(spent.hex) == true, "the reason names the spending transaction: \(cancelled.error ?? "")")
        XCTAssertEqual(cancelled.mints, [])
        // finality_depth 1: the spending block is final, so the payment is not watched any more.
        let closed = try testbed.database().query("SELECT watch_closed_at IS NOT NULL AS closed FROM payment_queue WHERE id = $1::uuid",
                                                  [queued.paymentID]).first!.bool("closed")
        XCTAssertTrue(closed)
        let again = await cancelRefusal(testbed, queued.paymentID)
        XCTAssertEqual(again, "invalid_transition")
    }
}
