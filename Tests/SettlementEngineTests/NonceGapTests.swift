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
        try chain.control("miner_stop")
        var miningStopped = true
        defer { if miningStopped { _ = try? chain.control("miner_start") } }
        try await testbed.start()
        let first = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(0)))
        let second = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1)))
        try await testbed.wait("both payments sent") { try testbed.count(.sent) == 2 }
        let firstSent = try await testbed.engine.status(paymentID: first.paymentID)
        let dropped = try XCTUnwrap(firstSent.txHash)
        let result = try chain.control("anvil_dropTransaction", [.string(dropped)])
        XCTAssertEqual(result.stringValue?.lowercased(), dropped.lowercased(), "the node dropped the first transaction")
        try chain.control("miner_start")
        miningStopped = false
        try await testbed.wait("both payments completed despite the gap") {
            let a = try await testbed.engine.status(paymentID: first.paymentID).status
            let b = try await testbed.engine.status(paymentID: second.paymentID).status
            return a == .completed && b == .completed
        }
        await testbed.stop()
        let snapshot = try await testbed.engine.status(paymentID: first.paymentID)
        XCTAssertEqual(snapshot.txHash, dropped, "the very bytes that were dropped were broadcast again")
    }
}
