import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Found by reading (issue 16): mint batches kept their first fees forever, so one priced out
/// by a base-fee rise or a node's minimum tip stalled all minting. Now a waiting batch is
/// signed again with higher fees, like a payment transaction.
final class MintFeeBumpTests: XCTestCase {
    func testAStuckMintBatchIsSignedAgainWithHigherFeesUntilItMines() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let testbed = try await EngineTestbed(settings: ["fee_bump_after_seconds": "1", "priority_fee_wei": "1000000000",
                                                         "mint_confirmations": "100000"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try await testbed.engine.reloadSettings()
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3)))
        try await testbed.wait("payment completed") { try await testbed.engine.status(paymentID: payment.paymentID).status == .completed }
        try testbed.pauseMining(in: self)
        try SystemSettings.set(key: "mint_confirmations", value: "1", description: nil, on: testbed.database())
        try await testbed.engine.reloadSettings()
        try await testbed.wait("a mint batch in the pool") {
            try testbed.database().query("SELECT count(*) AS n FROM mint_batches WHERE status = 'sent'").first!.int64("n") == 1
        }
        let first = try testbed.database().query("SELECT attempts->0->>'tip' AS tip FROM mint_batches").first!.string("tip")
        let tip = try XCTUnwrap(UInt256(decimal: first))
        // Miners now want 30 % more than the batch offers: it waits until its fees rise.
        try chain.control("devchain_setMinPriorityFee", [.string((tip * 13 / 10).hexString)])
        try testbed.resumeMining()
        try await testbed.wait("the mint done after fee bumps", seconds: 120) {
            try await testbed.engine.status(paymentID: payment.paymentID).mints.map(\.status) == [.completed]
        }
        try chain.resetFaults()
        let tips = try testbed.database().query("SELECT jsonb_array_elements(attempts)->>'tip' AS tip FROM mint_batches")
            .rows.map { UInt256(decimal: try $0.string("tip"))! }
        XCTAssertGreaterThanOrEqual(tips.count, 3, "the offer had to rise at least twice")
        XCTAssertEqual(tips, tips.sorted(), "each attempt offers more than the one before")
        let mined = try testbed.database().query("""
            SELECT tx_hash, tx_hash IN (SELECT jsonb_array_elements(attempts)->>'hash') AS recorded, status FROM mint_batches
            """).first!
        XCTAssertEqual(try mined.text("status"), "completed")
        let minedHash = try mined.text("tx_hash") ?? ""
        XCTAssertTrue(try mined.bool("recorded"), "the batch settled by one of its recorded attempts: \(minedHash)")
    }
}
