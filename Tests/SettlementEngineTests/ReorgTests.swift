import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Settlements and mint batches are re-checked until final; a reorg that removes them is
/// noticed and undone: every payment ends settled and minted exactly once, or flagged
/// `settlement_lost` and never minted (issue 8, items 2 and 3; DESIGN invariant 7).
final class ReorgTests: XCTestCase {
    /// One item at the testbed's price (the price list refuses any other amount).
    private let value: UInt64 = EngineTestbed.unitPrice

    private func testbed(_ settings: [String: String] = [:]) async throws -> EngineTestbed {
        let testbed = try await EngineTestbed(settings: ["finality_depth": "60", "rebroadcast_after_seconds": "2"].merging(settings) { $1 })
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        return testbed
    }

    /// Enqueues `count` payments (quantity 1 or 2) from the buyers; returns their ids and the
    /// items each buyer should end up minted.
    private func enqueue(_ testbed: EngineTestbed, count: Int, offset: Int = 0) async throws -> (ids: [String], items: [Address: Int]) {
        var ids: [String] = []
        var items: [Address: Int] = [:]
        for index in 0..<count {
            let buyer = try testbed.buyerKey((index + offset) % 8)
            let quantity = index % 2 + 1
            ids.append(try await testbed.engine.enqueue(try testbed.request(buyer: buyer, quantity: quantity)).paymentID)
            items[buyer.address, default: 0] += quantity
        }
        return (ids, items)
    }

    private func settledAndMinted(_ testbed: EngineTestbed, payments: Int, jobs: Int) async throws {
        try await testbed.wait("every payment settled on the current chain and every mint done", seconds: 240) {
            let db = try testbed.database()
            let settled = try db.query("""
                SELECT count(*) AS n FROM payment_queue
                WHERE status = 'completed' AND reorged_at IS NULL AND settlement_lost IS NULL AND settlement_log_index IS NOT NULL
                """).first!.int64("n")
            let minted = try db.query("SELECT count(*) AS n FROM mint_queue WHERE status = 'completed'").first!.int64("n")
            return settled == payments && minted == jobs
        }
    }

    /// The chain agrees with the ledger: every authorization used, the receiver paid each
    /// amount once, each buyer minted exactly what it bought.
    private func assertLedgerMatchesChain(_ testbed: EngineTestbed, receiverBefore: UInt256, payments: Int,
                                          mintsBefore: [Address: UInt256], items: [Address: Int],
                                          file: StaticString = #filePath, line: UInt = #line) async throws {
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        // Each payment pays unit price × its quantity: in all, the price of every item bought.
        let paid = UInt256(EngineTestbed.unitPrice) * UInt256(UInt64(items.values.reduce(0, +)))
        XCTAssertEqual(receiverAfter - receiverBefore, paid, "receiver paid once per payment (\(payments))", file: file, line: line)
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        for (buyer, count) in items {
            let after = try await testbed.mintBalance(buyer)
            XCTAssertEqual(after - mintsBefore[buyer]!, mintAmount * UInt256(UInt64(count)), "minted once to \(buyer.checksummed)", file: file, line: line)
        }
    }

    private func balances(_ testbed: EngineTestbed) async throws -> (receiver: UInt256, mints: [Address: UInt256]) {
        var mints: [Address: UInt256] = [:]
        for index in 0..<8 {
            let buyer = try testbed.buyerKey(index).address
            mints[buyer] = try await testbed.mintBalance(buyer)
        }
        return (try await testbed.usdcBalance(testbed.configuration.receiver), mints)
    }

    /// Reorgs the chain back to just below the lowest settlement block, so every settlement
    /// and mint batch so far is removed.
    @discardableResult
    private func reorgOut(_ testbed: EngineTestbed, reinject: Bool, transactions: [JSONValue] = []) async throws -> Int64 {
        let lowest = try testbed.database().query("SELECT min(confirmed_block) AS b FROM payment_queue").first!.int64("b")
        let head = Int64(try await testbed.rpc.blockNumber())
        let depth = head - lowest + 1
        try testbed.chain.control("devchain_reorg", [.int(depth), ["reinject": .bool(reinject), "transactions": .array(transactions)]])
        return depth
    }

    func testDeepReorgWithoutReinjectionMidLoadEndsWithEverythingSettledAndMintedOnce() async throws {
        let testbed = try await testbed()
        let before = try await balances(testbed)
        try await testbed.start()
        let first = try await enqueue(testbed, count: 30)
        let firstJobs = first.items.values.reduce(0, +)
        try await settledAndMinted(testbed, payments: 30, jobs: firstJobs)

        // The settlement blocks vanish and their transactions with them (nonces freed on
        // chain); more payments arrive while the engine restores the lost ones.
        let depth = try await reorgOut(testbed, reinject: false)
        XCTAssertGreaterThanOrEqual(depth, 2)
        let second = try await enqueue(testbed, count: 30, offset: 3)
        var items = first.items
        for (buyer, count) in second.items { items[buyer, default: 0] += count }
        try await settledAndMinted(testbed, payments: 60, jobs: items.values.reduce(0, +))
        await testbed.stop()

        try await assertLedgerMatchesChain(testbed, receiverBefore: before.receiver, payments: 60, mintsBefore: before.mints, items: items)
        let restored = try testbed.database().query("SELECT count(*) AS n FROM payment_queue WHERE error LIKE 'settlement block%'").first!.int64("n")
        XCTAssertEqual(restored, 0, "restored payments carry no stale reorg message")
    }

    /// Found by reading (issue 16): a reorg deeper than `finality_depth` went unnoticed, since
    /// blocks once final were never compared again: settlements it removed stayed completed
    /// with nobody paid, and mints it removed were never made again. When a reorg replaces
    /// blocks at or below the finality boundary, the final blocks from there on are checked again
    /// (and a critical line says the chain broke its finality).
    func testAReorgDeeperThanFinalityIsNoticedAndWhatItRemovedIsRestored() async throws {
        let testbed = try await testbed(["finality_depth": "2"])
        let before = try await balances(testbed)
        try await testbed.start()
        let wave = try await enqueue(testbed, count: 6)
        let jobs = wave.items.values.reduce(0, +)
        try await settledAndMinted(testbed, payments: 6, jobs: jobs)
        try await testbed.wait("every settlement and mint batch final") {
            let db = try testbed.database()
            return try db.query("SELECT count(*) AS n FROM payment_queue WHERE NOT finalized").first!.int64("n") == 0
                && db.query("SELECT count(*) AS n FROM mint_batches WHERE NOT finalized").first!.int64("n") == 0
        }
        // Another payment keeps the reorg check running (it watches while something is not final).
        let later = try await enqueue(testbed, count: 1, offset: 6)
        try await settledAndMinted(testbed, payments: 7, jobs: jobs + later.items.values.reduce(0, +))
        let depth = try await reorgOut(testbed, reinject: false)
        XCTAssertGreaterThan(depth, 2, "deeper than finality_depth")
        var items = wave.items
        for (buyer, count) in later.items { items[buyer, default: 0] += count }
        let owed = UInt256(EngineTestbed.unitPrice) * UInt256(UInt64(items.values.reduce(0, +)))
        try await testbed.wait("the final settlements the reorg removed restored", seconds: 120) {
            let receiver = try await testbed.usdcBalance(testbed.configuration.receiver)
            return try testbed.database().query("SELECT count(*) AS n FROM payment_queue WHERE reorged_at IS NOT NULL").first!.int64("n") == 0
                && receiver - before.receiver == owed
        }
        try await settledAndMinted(testbed, payments: 7, jobs: items.values.reduce(0, +))
        await testbed.stop()
        try await assertLedgerMatchesChain(testbed, receiverBefore: before.receiver, payments: 7, mintsBefore: before.mints, items: items)
    }

    func testReorgWithReinjectionRepointsSettlementsAtTheirNewBlocks() async throws {
        let testbed = try await testbed()
        let before = try await balances(testbed)
        try await testbed.start()
        let wave = try await enqueue(testbed, count: 12)
        try await settledAndMinted(testbed, payments: 12, jobs: wave.items.values.reduce(0, +))
        let oldBlocks = Set(try testbed.database().query("SELECT confirmed_block_hash AS h FROM payment_queue").rows.map { try $0.string("h") })
        try await reorgOut(testbed, reinject: true)
        try await testbed.wait("settlements re-pointed at the new blocks") {
            let hashes = Set(try testbed.database().query("""
                SELECT confirmed_block_hash AS h FROM payment_queue WHERE status = 'completed' AND reorged_at IS NULL
                """).rows.compactMap { try $0.text("h") })
            return try testbed.count(.completed) == 12 && hashes.count >= 1 && hashes.isDisjoint(with: oldBlocks)
        }
        try await settledAndMinted(testbed, payments: 12, jobs: wave.items.values.reduce(0, +))
        await testbed.stop()
        try await assertLedgerMatchesChain(testbed, receiverBefore: before.receiver, payments: 12, mintsBefore: before.mints, items: wave.items)
    }

    /// Reorgs every settlement out (`reorgOut`), the new chain's first block holding the payer's
    /// own `transferWithAuthorization` of `request`'s nonce to himself (a double spend through a
    /// reorg). Returns that transaction.
    @discardableResult
    private func reorgOutSpendingElsewhere(_ testbed: EngineTestbed, payer: PrivateKey, request: PaymentRequest) async throws -> SignedTransaction {
        let toHimself = try testbed.request(buyer: payer, value: 1, to: payer.address, nonce: try Bytes32(hex: request.authorization.nonce))
        let (transfer, signature) = try FrontRunner.authorization(toHimself)
        let doubleSpend = try await FrontRunner(testbed: testbed).sign(to: testbed.usdc, data: USDCCalldata.transferWithAuthorization(transfer, signature: signature),
                                                                     gas: 200_000)
        try await reorgOut(testbed, reinject: false, transactions: [[.string(Hex.encode(doubleSpend.raw)), 0]])
        return doubleSpend
    }

    /// After the reorg the payer's authorization is spent on a transfer to himself in the new
    /// chain (a double spend through a reorg): the payment cannot be restored. It stays
    /// completed, is flagged `settlement_lost` with the reason, and its tokens (held back by
    /// `mint_confirmations`) are never minted.
    func testSettlementSpentElsewhereAfterAReorgIsFlaggedLostAndNeverMinted() async throws {
        let testbed = try await testbed(["mint_confirmations": "1000"])
        try await testbed.start()
        let payer = try testbed.buyerKey(6)
        let request = try testbed.request(buyer: payer, value: value)
        let payment = try await testbed.engine.enqueue(request)
        try await testbed.wait("payment completed") { try await testbed.engine.status(paymentID: payment.paymentID).status == .completed }
        try await reorgOutSpendingElsewhere(testbed, payer: payer, request: request)
        try await testbed.wait("the lost settlement flagged") {
            try testbed.database().query("SELECT settlement_lost FROM payment_queue WHERE id = $1::uuid", [payment.paymentID]).first!.text("settlement_lost") != nil
        }
        let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(snapshot.status, .completed, "tokens cannot be un-minted: it stays completed, flagged")
        XCTAssertTrue(snapshot.error?.contains("settlement lost") == true, snapshot.error ?? "")
        XCTAssertEqual(snapshot.mints.map(\.status), [.failed], "nothing is minted for a payment whose settlement was lost")
        XCTAssertNotNil(snapshot.settlementLost)
        // Visible to operators and to the health check, and not mintable by hand either.
        let stats = try await testbed.engine.stats()
        XCTAssertEqual(stats.settlementsLost, 1)
        let lost = try await testbed.engine.list(PaymentListFilter(settlementLost: true))
        XCTAssertEqual(lost.map(\.paymentID), [payment.paymentID])
        do {
            _ = try await testbed.engine.retryMints(paymentID: payment.paymentID)
            XCTFail("an unpaid payment's mints cannot be retried")
        } catch {
            XCTAssertEqual(error.code, "invalid_transition")
        }
        await testbed.stop()
    }

    /// Issue 16, scenario 1: a payment completes and its mint lands; a reorg replaces every
    /// block from the settlement on with blocks holding only the payer's own use of the same
    /// nonce. Before, the reopened mint batch's recorded bytes were broadcast again without
    /// looking at the payment behind it: the buyer kept the tokens, the receiver got nothing.
    /// Now the batch's nonce is taken by a filler and its job waits for (here: fails with) the
    /// payment.
    func testAMintBatchWhosePaymentWasDoubleSpentInAReorgIsNeverMintedAgain() async throws {
        let testbed = try await testbed()
        try await testbed.start()
        let payer = try testbed.buyerKey(4)
        let mintedBefore = try await testbed.mintBalance(payer.address)
        let request = try testbed.request(buyer: payer, value: value)
        let payment = try await testbed.engine.enqueue(request)
        try await testbed.wait("payment completed and minted") {
            try await testbed.engine.status(paymentID: payment.paymentID).mints.map(\.status) == [.completed]
        }
        let batch = try testbed.database().query("SELECT id, nonce, signer FROM mint_batches").first!
        let (batchID, batchNonce) = (try batch.int64("id"), UInt64(try batch.int64("nonce")))
        let minter = try Address(hex: try batch.text("signer")!)
        try await reorgOutSpendingElsewhere(testbed, payer: payer, request: request)

        // The batch is replaced (its nonce mined by a filler), or, before, minted again.
        try await testbed.wait("the reopened batch replaced by a filler, or minted again", seconds: 90) {
            let status = try testbed.database().query("SELECT status FROM mint_batches WHERE id = $1", [String(batchID)]).first!.text("status")
            let minted = try await testbed.mintBalance(payer.address)
            let nonceMined = try await testbed.rpc.transactionCount(minter) > batchNonce
            return (status == "abandoned" && nonceMined) || minted != mintedBefore
        }
        let minted = try await testbed.mintBalance(payer.address)
        XCTAssertEqual(minted, mintedBefore, "tokens minted for a payment whose settlement the payer double-spent")
        let filler = try testbed.database().query("SELECT tx_hash FROM nonce_fillers WHERE lower(signer) = lower($1) AND nonce = $2",
                                                  [minter.checksummed, String(batchNonce)]).first
        XCTAssertNotNil(filler, "the batch's nonce is held by a recorded filler")
        try await testbed.wait("the lost settlement flagged and its job failed") {
            let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
            return snapshot.settlementLost != nil && snapshot.mints.map(\.status) == [.failed]
        }
        // Several mint iterations later the batch's bytes have still not been broadcast again.
        let beats = testbed.engine.heartbeats.beats(.mint)
        try await testbed.wait("the mint loop to go round three times") { testbed.engine.heartbeats.beats(.mint) >= beats + 3 }
        let after = try await testbed.mintBalance(payer.address)
        XCTAssertEqual(after, mintedBefore)
        await testbed.stop()
    }

    /// Issue 16, scenario 5: `settlement_lost` is not forever. The payer's double spend that
    /// made the settlement lost is itself reorged out: the authorization is unused and
    /// unexpired again, so the payment is restored (relayed by us), and its mints, failed for
    /// the loss, run once it is settled. Before, the row was never looked at again.
    func testALostSettlementWhoseDoubleSpendIsReorgedOutIsRestoredAndMinted() async throws {
        let testbed = try await testbed(["mint_confirmations": "1000"])
        try await testbed.start()
        let payer = try testbed.buyerKey(5)
        let mintedBefore = try await testbed.mintBalance(payer.address)
        let request = try testbed.request(buyer: payer, value: value)
        let payment = try await testbed.engine.enqueue(request)
        try await testbed.wait("payment completed") { try await testbed.engine.status(paymentID: payment.paymentID).status == .completed }
        let doubleSpend = try await reorgOutSpendingElsewhere(testbed, payer: payer, request: request)
        try await testbed.wait("the lost settlement flagged") {
            try await testbed.engine.status(paymentID: payment.paymentID).settlementLost != nil
        }
        let lost = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(lost.mints.map(\.status), [.failed])
        _ = try await testbed.engine.updateSetting(key: "mint_confirmations", value: "1")

        // The double spend's block goes too, and nothing takes its place.
        let spentAt = try await testbed.rpc.receipt(doubleSpend.hash)!.blockNumber
        let head = try await testbed.rpc.blockNumber()
        try testbed.chain.control("devchain_reorg", [.int(Int64(head - spentAt + 1)), ["reinject": .bool(false), "transactions": .array([])]])
        try await testbed.wait("settled again on the current chain and minted", seconds: 120) {
            let snapshot = try await testbed.engine.status(paymentID: payment.paymentID)
            return snapshot.settlementLost == nil && snapshot.mints.map(\.status) == [.completed]
        }
        let restored = try testbed.database().query("""
            SELECT result->>'settled_by' AS by, reorged_at IS NULL AS settled FROM payment_queue WHERE id = $1::uuid
            """, [payment.paymentID]).first!
        XCTAssertEqual(try restored.text("by"), "paymentd")
        XCTAssertTrue(try restored.bool("settled"))
        let mintAmount = UInt256(decimal: testbed.chain.mintAmount)!
        let minted = try await testbed.mintBalance(payer.address)
        XCTAssertEqual(minted - mintedBefore, mintAmount, "minted once")
        let used = try await testbed.rpc.authorizationStates(token: testbed.usdc, [(authorizer: payer.address, nonce: try Bytes32(hex: request.authorization.nonce))])
        XCTAssertEqual(used, [true], "the authorization is used on the current chain")
        await testbed.stop()
    }

    /// A payment completed by someone else's transaction (a front-run) whose block is reorged
    /// out with it: the authorization is unused again, and paymentd relays it itself.
    func testFrontRunSettlementReorgedOutIsRelayedByUs() async throws {
        let testbed = try await testbed(["max_fee_per_gas_wei": "1"])
        try await testbed.start()
        let receiverBefore = try await testbed.usdcBalance(testbed.configuration.receiver)
        let request = try testbed.request(buyer: try testbed.buyerKey(7), value: value)
        let payment = try await testbed.engine.enqueue(request)
        let frontRun = try await FrontRunner(testbed: testbed).relay(request)
        try await testbed.wait("completed by the front-run") {
            try await testbed.engine.status(paymentID: payment.paymentID).txHash == frontRun.hex
        }
        _ = try await testbed.engine.updateSetting(key: "max_fee_per_gas_wei", value: "500000000000")
        try await reorgOut(testbed, reinject: false)
        try await testbed.wait("restored by a transaction of ours") {
            let row = try testbed.database().query("""
                SELECT tx_hash, result->>'settled_by' AS by FROM payment_queue
                WHERE id = $1::uuid AND reorged_at IS NULL AND settlement_log_index IS NOT NULL
                """, [payment.paymentID]).first
            return try row?.text("by") == "paymentd" && row?.text("tx_hash") != frontRun.hex
        }
        try await testbed.wait("its mint done") { try await testbed.engine.status(paymentID: payment.paymentID).mints.first?.status == .completed }
        await testbed.stop()
        let receiverAfter = try await testbed.usdcBalance(testbed.configuration.receiver)
        XCTAssertEqual(receiverAfter - receiverBefore, UInt256(value), "paid once, by our relay this time")
    }

    /// `mint_confirmations` holds a payment's mints until its settlement is that deep.
    func testMintConfirmationsHoldMintsUntilTheSettlementIsDeep() async throws {
        let testbed = try await testbed(["mint_confirmations": "4"])
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1), value: value))
        try await testbed.wait("payment completed") { try await testbed.engine.status(paymentID: payment.paymentID).status == .completed }
        try testbed.pauseMining(in: self)
        // Not a pause of some length: the mint loop has finished two iterations since mining
        // stopped (the second began after it), each with the head, and so the settlement's
        // depth, fixed below mint_confirmations.
        let beats = testbed.engine.heartbeats.beats(.mint)
        try await testbed.wait("the mint loop to go round twice with mining stopped") {
            testbed.engine.heartbeats.beats(.mint) >= beats + 2
        }
        let held = try await testbed.engine.status(paymentID: payment.paymentID)
        XCTAssertEqual(held.mints.first?.status, .pending, "not minted while the settlement is shallower than mint_confirmations")
        try testbed.resumeMining()
        try await testbed.wait("minted once deep enough") { try await testbed.engine.status(paymentID: payment.paymentID).mints.first?.status == .completed }
        let settled = try testbed.database().query("SELECT confirmed_block AS b FROM payment_queue").first!.int64("b")
        let mintTx = try await testbed.engine.status(paymentID: payment.paymentID).mints.first!.txHash!
        let mintBlock = try await testbed.rpc.receipt(try Bytes32(hex: mintTx))!.blockNumber
        XCTAssertGreaterThanOrEqual(Int64(mintBlock), settled + 3)
        await testbed.stop()
    }
}
