import Ethereum
import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 16, scenario 7: a mint token with room for 3 items and 6 buyers of one item each. Each
/// job alone fits and the batch of six does not; before, the mint loop kept the whole batch,
/// which reverted every iteration, and nothing was ever minted (nor any other mint behind it).
final class SellOutTests: XCTestCase {
    func testABatchThatRevertsAsAWholeIsSplitUntilItsPartsMintAndWhatCannotMintFailsAlone() async throws {
        let chain = try Devchain.start(blockMilliseconds: 500, signers: 2, buyers: 6, extraArguments: ["--max-mints", "3"])
        defer { chain.stop() }
        // Minting held back (settlements must be 100,000 blocks deep) until all six are paid,
        // so one mint iteration claims the six together.
        let testbed = try await EngineTestbed(settings: ["mint_batch_size": "50", "mint_confirmations": "100000"], chain: chain)
        try await testbed.engine.reloadSettings()
        for buyer in 0..<6 {
            _ = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "sell-out-\(buyer)"))
        }
        try await testbed.start()
        defer { Task { await testbed.stop() } }
        try await testbed.wait("6 payments completed, 6 mint jobs pending", seconds: 60) {
            try testbed.count(.completed) == 6 && Self.jobCounts(testbed) == ["pending": 6]
        }
        try SystemSettings.set(key: "mint_confirmations", value: "1", description: nil, on: testbed.database())
        try await testbed.engine.reloadSettings()

        try await testbed.wait("3 mint jobs completed and 3 failed", seconds: 120) {
            try Self.jobCounts(testbed) == ["completed": 3, "failed": 3]
        }
        await testbed.stop()
        // Three minted, one item each; the other three failed alone, each with the contract's reason.
        let rows = try testbed.database().query("""
            SELECT coalesce(m.recipient, m.payer_address) AS recipient, m.status, coalesce(m.error_message, '') AS error FROM mint_queue m
            """).rows
        XCTAssertEqual(rows.count, 6)
        for row in rows {
            let recipient = try Address(hex: try row.string("recipient"))
            let balance = try await testbed.mintBalance(recipient)
            if try row.string("status") == "completed" {
                XCTAssertEqual(balance, UInt256(decimal: chain.mintAmount)!, "\(recipient)")
            } else {
                XCTAssertEqual(balance, .zero, "\(recipient)")
                let error = try row.string("error")
                XCTAssertTrue(error.contains("max supply reached"), error)
            }
        }
    }

    private static func jobCounts(_ testbed: EngineTestbed) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try testbed.database().query("SELECT status, count(*) AS n FROM mint_queue GROUP BY status").rows {
            counts[try row.string("status")] = Int(try row.int64("n"))
        }
        return counts
    }
}
