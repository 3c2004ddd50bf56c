import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import XCTest

/// Every branch of the confirmer's state machine (DESIGN section 4), decided from facts alone.
final class ConfirmPlannerTests: XCTestCase {
    private let ours = Fixtures.hash(0xA1)

    private func decide(_ row: PaymentRow, _ configure: (inout ConfirmFacts) -> Void) -> ConfirmDecision {
        var facts = Fixtures.facts()
        configure(&facts)
        return ConfirmPlanner.decide(row, facts: facts)
    }

    private func settlement(_ decision: ConfirmDecision, file: StaticString = #filePath, line: UInt = #line) -> PaymentSettlement? {
        guard case .settle(let settlement) = decision else {
            XCTFail("expected settle, got \(decision)", file: file, line: line)
            return nil
        }
        return settlement
    }

    // MARK: 1. Our own transaction

    func testOwnReceiptWithThePairDeepEnoughSettlesByPaymentd() throws {
        let row = Fixtures.sentRow()
        let logs = Fixtures.settlementLogs(row.transfer!, tx: ours, block: 95, logIndex: 4)
        let decision = decide(row) { $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 95, logs: logs) }
        let settled = try XCTUnwrap(settlement(decision))
        XCTAssertEqual(settled.txHash, ours)
        XCTAssertEqual(settled.logIndex, 4)
        XCTAssertEqual(settled.blockNumber, 95)
        XCTAssertEqual(settled.result["settled_by"], "paymentd")
        XCTAssertEqual(settled.mints.count, 1, "one mint job per item bought")
    }

    func testOwnReceiptNotYetDeepEnoughWaits() {
        let row = Fixtures.sentRow()
        let logs = Fixtures.settlementLogs(row.transfer!, tx: ours, block: 99, logIndex: 0)
        var facts = Fixtures.facts(confirmations: 3)
        facts.receipts[ours] = Fixtures.receipt(ours, block: 99, logs: logs)
        XCTAssertEqual(ConfirmPlanner.decide(row, facts: facts), .wait)
    }

    /// A receipt of ours whose Transfer went elsewhere (or whose logs are not this
    /// authorization's pair) is no proof of payment: the authorization's use decides.
    func testOwnSuccessfulReceiptWithoutThePairIsNoProof() {
        let row = Fixtures.sentRow()
        let logs = Fixtures.settlementLogs(row.transfer!, to: Fixtures.payer, tx: ours, block: 95, logIndex: 0)
        let decision = decide(row) { $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 95, logs: logs) }
        XCTAssertEqual(decision, .wait, "no authorization state known: nothing decided")
    }

    func testRevertedReceiptNotYetDeepEnoughWaits() {
        let row = Fixtures.sentRow()
        var facts = Fixtures.facts(confirmations: 5)
        facts.receipts[ours] = Fixtures.receipt(ours, block: 99, succeeded: false)
        facts.authorizationUsed[row.id] = false
        XCTAssertEqual(ConfirmPlanner.decide(row, facts: facts), .wait)
    }

    // MARK: 2. Someone used the authorization

    func testFrontRunPairSettlesByThatTransaction() throws {
        let row = Fixtures.sentRow()
        let theirs = Fixtures.hash(0xF0)
        let pair = SettlementPair(transactionHash: theirs, blockNumber: 90, blockHash: Fixtures.hash(90), logIndex: 2)
        let decision = decide(row) {
            $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 92, succeeded: false)
            $0.authorizationUsed[row.id] = true
            $0.uses[row.id] = .paid(pair)
        }
        let settled = try XCTUnwrap(settlement(decision))
        XCTAssertEqual(settled.txHash, theirs)
        XCTAssertEqual(settled.result["settled_by"], "other_transaction")
    }

    func testFrontRunPairNotYetDeepEnoughWaits() {
        let row = Fixtures.sentRow()
        let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 100, blockHash: Fixtures.hash(100), logIndex: 2)
        var facts = Fixtures.facts(confirmations: 2)
        facts.authorizationUsed[row.id] = true
        facts.uses[row.id] = .paid(pair)
        XCTAssertEqual(ConfirmPlanner.decide(row, facts: facts), .wait)
    }

    func testAuthorizationSpentElsewhereFails() {
        let row = Fixtures.sentRow()
        let decision = decide(row) {
            $0.authorizationUsed[row.id] = true
            $0.uses[row.id] = .spentElsewhere(transaction: Fixtures.hash(0xEE), blockNumber: 90)
        }
        guard case .fail(let reason, let release, _) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(reason.contains("did not pay"), reason)
        XCTAssertFalse(release, "not looked up in the pool: the nonce stays held")
    }

    func testCancelledAuthorizationFails() {
        let row = Fixtures.sentRow()
        let decision = decide(row) {
            $0.authorizationUsed[row.id] = true
            $0.uses[row.id] = .cancelled(transaction: Fixtures.hash(0xCC), blockNumber: 90)
        }
        guard case .fail(let reason, _, _) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(reason.contains("cancelled"), reason)
    }

    func testUsedButNoEventVisibleWaitsForARowWithAnEnqueueBlock() {
        let row = Fixtures.sentRow(enqueuedBlock: 10)
        XCTAssertEqual(decide(row) { $0.authorizationUsed[row.id] = true }, .wait)
    }

    func testUsedButNoEventVisibleFailsALegacyRowSearchedInAWindow() {
        let row = Fixtures.sentRow(enqueuedBlock: nil)
        guard case .fail = decide(row, { $0.authorizationUsed[row.id] = true }) else { return XCTFail() }
    }

    func testUnknownAuthorizationStateWaits() {
        XCTAssertEqual(decide(Fixtures.sentRow()) { _ in }, .wait)
    }

    // MARK: 3. Still unused

    func testRevertedAndUnusedFailsWithItsBlockForReorgChecks() {
        let row = Fixtures.sentRow()
        let decision = decide(row) {
            $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 90, succeeded: false)
            $0.authorizationUsed[row.id] = false
        }
        XCTAssertEqual(decision, .fail(reason: "transaction reverted on-chain and the authorization was not used", releaseNonce: false,
                                       block: RecordedBlock(number: 90, hash: Fixtures.hash(90))))
    }

    func testRestoringRowWhoseTransactionRevertedIsSignedAgainWhileValid() {
        var row = Fixtures.sentRow()
        row.status = .completed
        row.reorgedAt = Date()
        let decision = decide(row) {
            $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 90, succeeded: false)
            $0.authorizationUsed[row.id] = false
        }
        guard case .requeue = decision else { return XCTFail("\(decision)") }
    }

    func testNonceTakenByAnotherTransactionRequeuesWhileValid() {
        let row = Fixtures.sentRow(nonce: 7)
        let decision = decide(row) {
            $0.authorizationUsed[row.id] = false
            $0.minedNonces[Fixtures.signer] = 9
        }
        guard case .requeue(let reason) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(reason.contains("nonce 7"), reason)
    }

    func testNonceTakenAndExpiredFailsReleasingTheNonce() {
        let row = Fixtures.sentRow(transfer: Fixtures.transfer(validBefore: 1_600_000_000), nonce: 7)
        let decision = decide(row) {
            $0.authorizationUsed[row.id] = false
            $0.minedNonces[Fixtures.signer] = 9
        }
        guard case .fail(_, let release, _) = decision else { return XCTFail("\(decision)") }
        XCTAssertTrue(release)
    }

    func testUnminedRowNotLookedUpInThePoolWaits() {
        let row = Fixtures.sentRow()
        XCTAssertEqual(decide(row) { $0.authorizationUsed[row.id] = false }, .wait)
    }

    func testExpiredWithNothingMinedFailsAndReleasesTheNonceOnlyWhenNotPooled() {
        let row = Fixtures.sentRow(transfer: Fixtures.transfer(validBefore: 1_600_000_000))
        let gone = decide(row) {
            $0.authorizationUsed[row.id] = false
            $0.poolChecked = [row.id]
        }
        XCTAssertEqual(gone, .fail(reason: "authorization expired before any attempt was mined", releaseNonce: true, block: nil))
        let pooled = decide(row) {
            $0.authorizationUsed[row.id] = false
            $0.poolChecked = [row.id]
            $0.known = [self.ours]
        }
        XCTAssertEqual(pooled, .fail(reason: "authorization expired before any attempt was mined", releaseNonce: false, block: nil))
    }

    func testPooledTransactionWaitsThenGetsItsFeesBumped() {
        let young = Fixtures.sentRow(signedAt: 1_990)
        XCTAssertEqual(decide(young) {
            $0.authorizationUsed[young.id] = false
            $0.poolChecked = [young.id]
            $0.known = [self.ours]
        }, .wait)
        let old = Fixtures.sentRow(signedAt: 1_000)
        XCTAssertEqual(decide(old) {
            $0.authorizationUsed[old.id] = false
            $0.poolChecked = [old.id]
            $0.known = [self.ours]
        }, .bumpFees)
    }

    func testDroppedTransactionIsBroadcastAgain() {
        let row = Fixtures.sentRow()
        XCTAssertEqual(decide(row) {
            $0.authorizationUsed[row.id] = false
            $0.poolChecked = [row.id]
        }, .rebroadcast)
    }

    func testNothingOfOursAnywhereIsSignedAgain() {
        let row = Fixtures.sentRow(rawTx: nil)
        guard case .requeue = decide(row, {
            $0.authorizationUsed[row.id] = false
            $0.poolChecked = [row.id]
        }) else { return XCTFail() }
    }

    // MARK: Rows that cannot be read

    func testUnreadableAuthorizationSettlesByItsOwnSuccessfulReceiptOnly() throws {
        var row = Fixtures.sentRow()
        row.transfer = nil
        let success = decide(row) { $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 90) }
        let settled = try XCTUnwrap(settlement(success))
        XCTAssertNil(settled.logIndex)
        let reverted = decide(row) { $0.receipts[self.ours] = Fixtures.receipt(self.ours, block: 90, succeeded: false) }
        guard case .fail = reverted else { return XCTFail("\(reverted)") }
        XCTAssertEqual(decide(row) { _ in }, .wait)
    }

    // MARK: Batches of decisions

    func testOnePairPaysOnePaymentWithinATick() {
        let a = Fixtures.sentRow(id: "00000000-0000-4000-8000-00000000000a")
        let b = Fixtures.sentRow(id: "00000000-0000-4000-8000-00000000000b")
        let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 90, blockHash: Fixtures.hash(90), logIndex: 2)
        let decided = ConfirmPlanner.oneSettlementPerPair([
            (a, .settle(ConfirmPlanner.settlement(a, pair: pair, gasUsed: nil))),
            (b, .settle(ConfirmPlanner.settlement(b, pair: pair, gasUsed: nil))),
        ])
        guard case .settle = decided[0].decision else { return XCTFail() }
        XCTAssertEqual(decided[1].decision, .wait)
    }

    func testPoolLookupsOnlyForUnusedUnminedRowsOldEnoughOrExpired() {
        var facts = Fixtures.facts(now: 1_010)
        let young = Fixtures.sentRow(signedAt: 1_000)
        facts.authorizationUsed[young.id] = false
        XCTAssertFalse(ConfirmPlanner.needsPoolCheck(young, facts: facts))
        facts.now = 1_031
        XCTAssertTrue(ConfirmPlanner.needsPoolCheck(young, facts: facts))
        facts.receipts[ours] = Fixtures.receipt(ours, block: 90, succeeded: false)
        XCTAssertFalse(ConfirmPlanner.needsPoolCheck(young, facts: facts), "a mined transaction is decided by its receipt")
    }

    func testAuthorizationFactsOnlyForRowsTheirOwnReceiptsDidNotSettle() {
        let row = Fixtures.sentRow()
        XCTAssertTrue(ConfirmPlanner.needsAuthorizationFacts(row, receipts: [:]))
        let logs = Fixtures.settlementLogs(row.transfer!, tx: ours, block: 95, logIndex: 0)
        XCTAssertFalse(ConfirmPlanner.needsAuthorizationFacts(row, receipts: [ours: Fixtures.receipt(ours, block: 95, logs: logs)]))
    }
}
