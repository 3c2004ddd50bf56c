import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// A transaction that sits unmined is signed again at the same nonce with higher fees until it
/// mines, so its authorization does not expire with the buyer never served (DESIGN invariant 4).
final class FeeBumpTests: XCTestCase {
    func testBumpedMultipliesByNineEighthsAndAlwaysBeatsTenPercent() {
        XCTAssertEqual(PaymentConfirmer.bumped(UInt256(800)), UInt256(901))
        XCTAssertEqual(PaymentConfirmer.bumped(UInt256(0)), UInt256(1))
        XCTAssertGreaterThan(PaymentConfirmer.bumped(UInt256(10)), UInt256(11))
        XCTAssertEqual(PaymentConfirmer.bumped(.max), .max)
    }

    func testAStuckTransactionIsSignedAgainWithHigherFeesUntilItMines() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let testbed = try await EngineTestbed(signerKeys: [try PrivateKey(hex: chain.signers[1].privateKey)],
                                              settings: ["fee_bump_after_seconds": "1", "priority_fee_wei": "1000000000"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try testbed.pauseMining(in: self)
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(4)))
        try await testbed.wait("payment sent") { try testbed.count(.sent) == 1 }
        let first = try testbed.database().query("SELECT attempts->0->>'tip' AS tip FROM payment_queue").first!.string("tip")
        let tip = try XCTUnwrap(UInt256(decimal: first))
        // Miners now want 30 % more than we offered: the transaction waits until fees rise.
        try chain.control("devchain_setMinPriorityFee", [.string((tip * 13 / 10).hexString)])
        try testbed.resumeMining()
        try await testbed.wait("payment completed after fee bumps") {
            try await testbed.engine.status(paymentID: payment.paymentID).status == .completed
        }
        try chain.resetFaults()
        let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertGreaterThanOrEqual(snapshot.attempts.count, 3, "the offer had to rise at least twice")
        XCTAssertEqual(snapshot.txHash, snapshot.attempts.last, "the last, highest offer is the one that mined")
        let tips = try testbed.database().query("SELECT jsonb_array_elements(attempts)->>'tip' AS tip FROM payment_queue")
            .rows.map { UInt256(decimal: try $0.string("tip"))! }
        XCTAssertEqual(tips, tips.sorted(), "each attempt offers more than the one before")
        XCTAssertEqual(Set(snapshot.attempts).count, snapshot.attempts.count)
    }
}
