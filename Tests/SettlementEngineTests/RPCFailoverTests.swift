import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// The engine on two front ends of one devchain, one of them killed for real in the middle of
/// the load (issue 8, item 8): nothing is lost, nothing is paid twice, and `stats` says which
/// endpoint is in use.
final class RPCFailoverTests: XCTestCase {
    /// Pins: SIGKILL of the preferred RPC front end while payments are being enqueued, sent and
    /// confirmed. Before failover the engine had one endpoint: every loop failed until it came
    /// back, and enqueue refused every payment (`rpc_unavailable`).
    func testKillingOneOfTwoRPCFrontEndsMidLoadLosesNothing() async throws {
        let node = try EngineTestbed.sharedChain.get()
        let doomed = try TCPProxy(forwardingTo: node.deployment.port)
        let survivor = try TCPProxy(forwardingTo: node.deployment.port)
        let testbed = try await EngineTestbed(rpcURLs: [doomed.url, survivor.url])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let before = try await testbed.usdcBalance(testbed.configuration.receiver)
        try await testbed.start()

        var refusals: [String] = []
        var expected = UInt256.zero
        func enqueue(_ range: Range<Int>) async throws {
            for index in range {
                let quantity = index % 3 + 1
                let request = try testbed.request(buyer: try testbed.buyerKey(index % 8), quantity: quantity)
                do throws(PaymentError) {
                    _ = try await testbed.engine.enqueue(request)
                    expected += UInt256(EngineTestbed.unitPrice * UInt64(quantity))
                } catch {
                    refusals.append("\(index): \(error.code): \(error.description)")
                }
            }
        }
        try await enqueue(0..<60)
        try await testbed.wait("payments to be on their way through the preferred endpoint") {
            try testbed.count(.sent) + testbed.count(.completed) >= 10
        }
        let stats = try await testbed.engine.stats()
        XCTAssertEqual(stats.rpcEndpointInUse?.url, doomed.url, "the preferred endpoint serves while it answers")
        let completedBeforeKill = try testbed.count(.completed)

        doomed.kill9()
        try await enqueue(60..<120)
        XCTAssertEqual(refusals, [], "enqueue's on-chain check went on through the other endpoint")
        try await testbed.wait("every payment to complete", seconds: 240) { try testbed.count(.completed) == 120 }
        XCTAssertLessThan(completedBeforeKill, 120, "the kill came too late to test anything")

        let after = try await testbed.engine.stats()
        XCTAssertEqual(after.rpcEndpointInUse?.url, survivor.url, "stats names the endpoint in use")
        XCTAssertEqual(after.rpcEndpoints.first?.url, doomed.url)
        XCTAssertNotEqual(after.rpcEndpoints.first?.health, .healthy, "the dead endpoint is backed off (or being probed)")
        XCTAssertNotNil(after.rpcEndpoints.first?.lastError)
        await testbed.stop()

        let db = try testbed.database()
        let ledger = try db.query("""
            SELECT count(*) AS n, count(DISTINCT tx_hash) AS txs, coalesce(sum(amount::numeric), 0)::text AS total
            FROM payment_queue WHERE status = 'completed'
            """).first!
        XCTAssertEqual(try ledger.int64("n"), 120, "every payment completed")
        XCTAssertEqual(try ledger.int64("txs"), 120, "each by a transaction of its own")
        XCTAssertEqual(try testbed.count(.failed) + testbed.count(.confirmationFailed), 0)
        let received = try await testbed.usdcBalance(testbed.configuration.receiver) - before
        XCTAssertEqual(received.decimalString, try ledger.string("total"), "the receiver got exactly the completed amounts")
        XCTAssertEqual(received.decimalString, expected.decimalString)
    }
}
