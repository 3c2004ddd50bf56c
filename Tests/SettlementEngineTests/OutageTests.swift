import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// No payment is lost or paid twice when the RPC endpoint loses answers or PostgreSQL restarts
/// under the running engine (DESIGN invariant 1).
final class OutageTests: XCTestCase {
    private func enqueue(_ testbed: EngineTestbed, count: Int) async throws -> UInt256 {
        var total = UInt256.zero
        for index in 0..<count {
            let quantity = index % 3 + 1
            _ = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(index % 8), quantity: quantity))
            total = total + UInt256(EngineTestbed.unitPrice * UInt64(quantity))
        }
        return total
    }

    func testLostRPCAnswersNeitherLoseNorDoublePayments() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let before = try await testbed.usdcBalance(testbed.configuration.receiver)
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let total = try await enqueue(testbed, count: 30)
        defer { _ = try? testbed.chain.resetFaults() }
        // The node handles each request but the answer never arrives: broadcasts that did
        // happen look failed to the engine.
        try testbed.chain.control("devchain_failNextRequests", [12, "after"])
        testbed.startLoops()
        try await testbed.wait("30 payments completed through lost answers") { try testbed.count(.completed) == 30 }
        try testbed.chain.resetFaults()
        await testbed.stop()
        let after = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(after - before, total, "every payment moved its value exactly once")
        let distinct = try testbed.database().query("SELECT count(DISTINCT tx_hash) AS n FROM payment_queue").first!.int64("n")
        XCTAssertEqual(distinct, 30)
    }

    func testPostgresRestartUnderTheEngineLosesNothing() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let before = try await testbed.usdcBalance(testbed.configuration.receiver)
        try await testbed.start()
        let total = try await enqueue(testbed, count: 30)
        try await testbed.wait("some payments sent") { try testbed.count(.sent) + testbed.count(.completed) > 0 }
        try ThrowawayPostgres.shared().restart()
        try await testbed.wait("30 payments completed after the restart") { try testbed.count(.completed) == 30 }
        await testbed.stop()
        let after = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(after - before, total)
    }
}
