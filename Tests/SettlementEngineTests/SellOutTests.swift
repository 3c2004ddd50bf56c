import Ethereum
import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 16, scenario 7: a mint token with room for 3 items and 6 buyers of one item each.
/// Before, all six were queued and charged, and the mint loop kept the whole batch, which
/// reverted every iteration: nothing was ever minted (nor any other mint behind it).
final class SellOutTests: XCTestCase {
    /// Supply is reserved at enqueue: the fourth buyer on is refused `sold_out` before anything
    /// is queued or charged, and the three who paid are minted.
    func testPurchasesTheSupplyCannotServeAreRefusedSoldOutBeforeAnyoneIsCharged() async throws {
        let chain = try Devchain.start(blockMilliseconds: 500, signers: 2, buyers: 6, extraArguments: ["--max-mints", "3"])
        defer { chain.stop() }
        let testbed = try await EngineTestbed(settings: ["mint_batch_size": "50"], chain: chain)
        try await testbed.engine.reloadSettings()
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        var queued: [String] = []
        var refusals: [String?] = []
        for buyer in 0..<3 {
            queued.append(try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "reserve-\(buyer)")).paymentID)
        }
        for buyer in 3..<6 {
            refusals.append(await testbed.refusalCode(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "reserve-\(buyer)")))
        }
        XCTAssertEqual(refusals, ["sold_out", "sold_out", "sold_out"])
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 3, "nothing queued for the refused")
        try await testbed.start()
        defer { Task { await testbed.stop() } }
        try await testbed.wait("the three paid purchases minted", seconds: 120) { try Self.jobCounts(testbed) == ["completed": 3] }
        // While their mints were unsettled and once they are minted, the supply stays sold.
        let again = await testbed.refusalCode(try testbed.request(buyer: try testbed.buyerKey(5), idempotencyKey: "reserve-late"))
        XCTAssertEqual(again, "sold_out")
        await testbed.stop()
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, UInt256(EngineTestbed.unitPrice * 3), "only the three served were charged")
        for buyer in 0..<6 {
            let balance = try await testbed.mintBalance(try testbed.buyerKey(buyer).address)
            XCTAssertEqual(balance, buyer < 3 ? UInt256(decimal: chain.mintAmount)! : .zero, "buyer \(buyer)")
        }
    }

    /// When the supply changes outside paymentd after the purchases were queued (here: no
    /// reservation, `reserve_supply` off), each job alone fits and the batch of six does not.
    func testABatchThatRevertsAsAWholeIsSplitUntilItsPartsMintAndWhatCannotMintFailsAlone() async throws {
        let chain = try Devchain.start(blockMilliseconds: 500, signers: 2, buyers: 6, extraArguments: ["--max-mints", "3"])
        defer { chain.stop() }
        // Minting held back (settlements must be 100,000 blocks deep) until all six are paid,
        // so one mint iteration claims the six together.
        let testbed = try await EngineTestbed(settings: ["mint_batch_size": "50", "mint_confirmations": "100000", "reserve_supply": "false"],
                                              chain: chain)
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
