import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// A transaction dropped from the node's pool leaves a nonce gap that would stall every later
/// transaction of its signer; the engine repairs it (DESIGN invariant 3).
final class NonceGapTests: XCTestCase {
    func testDroppedTransactionIsBroadcastAgainAndTheGapCloses() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let testbed = try await EngineTestbed(signerKeys: [try PrivateKey(hex: chain.signers[2].privateKey)],
                                              settings: ["rebroadcast_after_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try testbed.pauseMining(in: self)
        try await testbed.start()
        let first = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(0)))
        let second = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1)))
        try await testbed.wait("both payments sent") { try testbed.count(.sent) == 2 }
        let firstSent = try await testbed.engine.status(paymentID: first.paymentID)
        let dropped = try XCTUnwrap(firstSent.txHash)
        let result = try chain.control("anvil_dropTransaction", [.string(dropped)])
        XCTAssertEqual(result.stringValue?.lowercased(), dropped.lowercased(), "the node dropped the first transaction")
        try testbed.resumeMining()
        try await testbed.wait("both payments completed despite the gap") {
            let a = try await testbed.engine.status(paymentID: first.paymentID).status
            let b = try await testbed.engine.status(paymentID: second.paymentID).status
            return a == .completed && b == .completed
        }
        await testbed.stop()
        let snapshot = try await testbed.engine.status(paymentID: first.paymentID)
        XCTAssertEqual(snapshot.txHash, dropped, "the very bytes that were dropped were broadcast again")
    }

    func testAGapNoRowHoldsIsFoundWhileRunningAndFilled() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let testbed = try await EngineTestbed(signerKeys: [try PrivateKey(hex: chain.signers[3].privateKey)],
                                              settings: ["rebroadcast_after_seconds": "1"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try testbed.pauseMining(in: self)
        try await testbed.start()
        let lost = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(2)))
        try await testbed.wait("first payment sent") { try testbed.count(.sent) == 1 }
        // Its transaction vanishes from the pool and, say an operator, the row gives its nonce
        // up: now nothing anywhere holds that nonce.
        let lostHash = try await testbed.engine.status(paymentID: lost.paymentID).txHash
        try chain.control("anvil_dropTransaction", [.string(lostHash ?? "")])
        try testbed.database().query("""
            UPDATE payment_queue SET status = 'failed', nonce = NULL, error = 'given up by an operator' WHERE id = $1::uuid
            """, [lost.paymentID])
        let stuck = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3)))
        try await testbed.wait("second payment sent behind the gap") {
            try await testbed.engine.status(paymentID: stuck.paymentID).status == .sent
        }
        try testbed.resumeMining()
        try await testbed.wait("the payment behind the gap completed") {
            try await testbed.engine.status(paymentID: stuck.paymentID).status == .completed
        }
    }
}
