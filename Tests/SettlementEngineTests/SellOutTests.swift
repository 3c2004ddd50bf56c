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
        let offered = try await testbed.engine.prices().first { $0.type == .mint }
        XCTAssertEqual(offered?.availableItems, 3, "prices says what the token can still serve")
        var queued: [String] = []
        var refusals: [String?] = []
        for buyer in 0..<3 {
            queued.append(try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "reserve-\(buyer)")).paymentID)
        }
        for buyer in 3..<6 {
            refusals.append(await testbed.refusalCode(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "reserve-\(buyer)")))
        }
        XCTAssertEqual(refusals, ["sold_out", "sold_out", "sold_out"])
        let soldOut = try await testbed.engine.prices().first { $0.type == .mint }
        XCTAssertEqual(soldOut?.availableItems, 0, "three unsettled purchases hold the three items")
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
        let testbed = try await Self.sellOutWithoutReservation(on: chain)
        defer { Task { await testbed.stop() } }
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

    /// A charged buyer ends minted or refunded: the three whose mints failed are refund due
    /// (stats, list) until a transfer back to each is recorded, checked on chain; a recorded
    /// refund closes the failed mints for good.
    func testBuyersChargedForMintsThatFailedAreRefundDueUntilARefundCheckedOnChainIsRecorded() async throws {
        let chain = try Devchain.start(blockMilliseconds: 500, signers: 2, buyers: 6, extraArguments: ["--max-mints", "3"])
        defer { chain.stop() }
        let testbed = try await Self.sellOutWithoutReservation(on: chain)
        defer { Task { await testbed.stop() } }
        let engine = testbed.engine
        let dueAtFirst = try await engine.stats().refundsDue
        XCTAssertEqual(dueAtFirst, 3)
        let owed = try await engine.list(PaymentListFilter(refundDue: true))
        XCTAssertEqual(owed.count, 3)
        XCTAssertEqual(Set(owed.map(\.refundDue)), [String(EngineTestbed.unitPrice)], "each owes its one item's price")
        let first = owed[0]
        let firstStatus = try await engine.status(paymentID: first.paymentID)
        XCTAssertEqual(firstStatus.refundDue, String(EngineTestbed.unitPrice))
        let payer = try Address(hex: first.payer)

        // Not a refund: a hash nothing mined, then a transfer of too little, then one to someone else.
        func refusal(_ hash: Bytes32) async -> String? {
            do { _ = try await engine.recordRefund(paymentID: first.paymentID, txHash: hash.hex); return nil } catch { return "\(error.code): \(error)" }
        }
        let nothing = await refusal(try Bytes32(hex: "0x" + String(repeating: "ab", count: 32)))
        XCTAssertTrue(nothing?.hasPrefix("refund_unproven") ?? false, String(describing: nothing))
        let runner = FrontRunner(testbed: testbed)
        let deployer = try PrivateKey(hex: chain.deployer.privateKey).address
        try await testbed.mintUSDC(to: deployer, amount: UInt256(EngineTestbed.unitPrice * 10))
        let short = try await runner.send(to: testbed.usdc, data: Self.transfer(to: payer, UInt256(EngineTestbed.unitPrice - 1)), gas: 100_000)
        let shortRefusal = await refusal(short)
        XCTAssertTrue(shortRefusal?.contains("less than the \(EngineTestbed.unitPrice) owed") ?? false, String(describing: shortRefusal))
        let elsewhere = try await runner.send(to: testbed.usdc, data: Self.transfer(to: deployer, UInt256(EngineTestbed.unitPrice)), gas: 100_000)
        let elsewhereRefusal = await refusal(elsewhere)
        XCTAssertTrue(elsewhereRefusal?.contains("transfers no") ?? false, String(describing: elsewhereRefusal))
        let dueAfterRefusals = try await engine.stats().refundsDue
        XCTAssertEqual(dueAfterRefusals, 3, "nothing recorded yet")

        // The refund itself.
        let refund = try await runner.send(to: testbed.usdc, data: Self.transfer(to: payer, UInt256(EngineTestbed.unitPrice)), gas: 100_000)
        let refunded = try await engine.recordRefund(paymentID: first.paymentID, txHash: refund.hex)
        XCTAssertEqual(refunded.refundTxHash, refund.hex)
        XCTAssertEqual(refunded.refundAmount, String(EngineTestbed.unitPrice))
        XCTAssertNil(refunded.refundDue)
        let dueAfterRefund = try await engine.stats().refundsDue
        XCTAssertEqual(dueAfterRefund, 2)
        let stillOwed = try await engine.list(PaymentListFilter(refundDue: true))
        XCTAssertEqual(stillOwed.count, 2)

        // Once refunded, never minted as well; one transfer refunds one payment.
        do {
            _ = try await engine.retryMints(paymentID: first.paymentID)
            XCTFail("retry_mint requeued the mints of a refunded payment")
        } catch {
            XCTAssertEqual(error.code, "invalid_transition")
            XCTAssertTrue(error.description.contains("refunded"), error.description)
        }
        XCTAssertEqual(try Self.jobCounts(testbed), ["completed": 3, "failed": 3])
        do {
            _ = try await engine.recordRefund(paymentID: owed[1].paymentID, txHash: refund.hex)
            XCTFail("one transfer recorded as the refund of two payments")
        } catch {
            XCTAssertEqual(error.code, "refund_unproven")
            XCTAssertTrue(error.description.contains(first.paymentID), error.description)
        }
        do {
            _ = try await engine.recordRefund(paymentID: first.paymentID, txHash: refund.hex)
            XCTFail("a refund recorded twice")
        } catch {
            XCTAssertEqual(error.code, "refund_not_due")
        }
        // A payment that minted owes nothing.
        let served = try await engine.list(PaymentListFilter(limit: 10)).filter { snapshot in !owed.contains { $0.paymentID == snapshot.paymentID } }
        let servedID = try XCTUnwrap(served.first).paymentID
        do {
            _ = try await engine.recordRefund(paymentID: servedID, txHash: refund.hex)
            XCTFail("a refund recorded for a served payment")
        } catch {
            XCTAssertEqual(error.code, "refund_not_due")
        }
    }

    /// Six buyers of one item each, queued without supply reservation on a token with room for
    /// three (the supply changed outside paymentd): all six charged, three minted, three failed
    /// alone with the contract's reason. Returns with the loops running.
    private static func sellOutWithoutReservation(on chain: Devchain) async throws -> EngineTestbed {
        // Minting held back (settlements must be 100,000 blocks deep) until all six are paid,
        // so one mint iteration claims the six together.
        let testbed = try await EngineTestbed(settings: ["mint_batch_size": "50", "mint_confirmations": "100000", "reserve_supply": "false"],
                                              chain: chain)
        try await testbed.engine.reloadSettings()
        for buyer in 0..<6 {
            _ = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "sell-out-\(buyer)"))
        }
        try await testbed.start()
        try await testbed.wait("6 payments completed, 6 mint jobs pending", seconds: 60) {
            try testbed.count(.completed) == 6 && Self.jobCounts(testbed) == ["pending": 6]
        }
        try SystemSettings.set(key: "mint_confirmations", value: "1", description: nil, on: testbed.database())
        try await testbed.engine.reloadSettings()
        try await testbed.wait("3 mint jobs completed and 3 failed", seconds: 120) {
            try Self.jobCounts(testbed) == ["completed": 3, "failed": 3]
        }
        return testbed
    }

    private static func transfer(to account: Address, _ amount: UInt256) -> [UInt8] {
        ABI.calldata("transfer(address,uint256)", [.address(account), .uint256(amount)])
    }

    private static func jobCounts(_ testbed: EngineTestbed) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try testbed.database().query("SELECT status, count(*) AS n FROM mint_queue GROUP BY status").rows {
            counts[try row.string("status")] = Int(try row.int64("n"))
        }
        return counts
    }
}
