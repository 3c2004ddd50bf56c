import ChainClient
import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// The search for who used an authorization starts at the block recorded when its payment was
/// enqueued, however long ago (issue 8, item 7). Before, it covered the last 10,000 blocks
/// only: a daemon down for hours failed a payment someone else had paid.
final class FrontRunWindowTests: XCTestCase {
    func testPaymentFrontRunMoreThanTenThousandBlocksAgoIsStillFoundPaid() async throws {
        // A chain of its own: mining ten thousand blocks moves its clock hours ahead.
        let chain = try Devchain.start(blockMilliseconds: 0)
        addTeardownBlock { chain.stop() }
        let testbed = try await EngineTestbed(chain: chain)
        addTeardownBlock { await testbed.stop() }
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let request = try testbed.request(buyer: try testbed.buyerKey(0), validFor: 40_000)
        let payment = try await testbed.engine.enqueue(request)
        try chain.control("evm_setAutomine", [true])
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)
        // The daemon is down while the chain moves on by more than the old 10,000-block window.
        for _ in 0..<5 { try chain.mine(blocks: 2_010) }
        testbed.startLoops()
        try await testbed.wait("the front-run payment found paid", seconds: 120) {
            try await testbed.engine.status(paymentID: payment.paymentID).status == .completed
        }
        let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(snapshot.txHash, frontRun.hex)
        XCTAssertEqual(snapshot.result?["settled_by"]?.stringValue, "other_transaction")
    }
}
