import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import XCTest

/// `AuthorizationFate.judge`: a failure is final only when the chain can no longer change it;
/// the failure watch's and the revert retry's decisions built on it (issue 16, scenarios 2, 3, 5).
final class AuthorizationFateTests: XCTestCase {
    private let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 95, blockHash: Fixtures.hash(95), logIndex: 1)

    /// Head 100 at t=1,000; final block 90 at t=900.
    private func facts(used: Bool, use: AuthorizationUse? = nil, validBefore: UInt64 = 5_000, confirmations: Int = 1,
                       fromEnqueue: Bool = true) -> AuthorizationFate.Facts {
        var facts = AuthorizationFate.Facts(used: used, use: use, validBefore: validBefore, head: (100, 1_000), final: (90, 900),
                                            confirmationsRequired: confirmations)
        facts.searchedFromEnqueue = fromEnqueue
        return facts
    }

    func testEachFactLeadsToOneFate() {
        let elsewhere = Fixtures.hash(0xE1)
        let cases: [(String, AuthorizationFate.Facts, AuthorizationFate)] = [
            ("unused, unexpired", facts(used: false), .usable(validBefore: 5_000)),
            ("unused, expired at the head only", facts(used: false, validBefore: 950),
             .ending(reason: "the authorization expired unused (valid before 950)")),
            ("unused, expired at the final block", facts(used: false, validBefore: 900),
             .ended(reason: "the authorization expired unused (valid before 900)")),
            ("paid, deep enough", facts(used: true, use: .paid(pair)), .paid(pair)),
            ("paid, not yet deep enough", facts(used: true, use: .paid(pair), confirmations: 7), .paying(pair)),
            ("spent elsewhere above the final block", facts(used: true, use: .spentElsewhere(transaction: elsewhere, blockNumber: 91)),
             .ending(reason: "the authorization was used by transaction \(elsewhere.hex) without paying the receiver")),
            ("spent elsewhere in a final block", facts(used: true, use: .spentElsewhere(transaction: elsewhere, blockNumber: 90)),
             .ended(reason: "the authorization was used by transaction \(elsewhere.hex) without paying the receiver")),
            ("cancelled by the payer, final", facts(used: true, use: .cancelled(transaction: elsewhere, blockNumber: 50)),
             .ended(reason: "the payer cancelled the authorization (transaction \(elsewhere.hex))")),
            ("used, the use not visible yet", facts(used: true), .unknown),
            ("used, a legacy row searched in a window only", facts(used: true, fromEnqueue: false),
             .ended(reason: "the authorization was used, by no transaction found that paid the receiver")),
        ]
        for (name, facts, expected) in cases {
            XCTAssertEqual(AuthorizationFate.judge(facts), expected, name)
        }
    }

    // MARK: The failure watch

    func testFailureWatchCompletesAPaidFailureAndClosesOnlyFinalOnes() {
        var failed = Fixtures.sentRow()
        failed.status = .confirmationFailed
        guard case .complete(let settlement) = FailureWatchPlanner.decide(failed, fate: .paid(pair)) else {
            return XCTFail("a failed payment the chain shows paid must complete")
        }
        XCTAssertEqual(settlement.txHash, pair.transactionHash)
        XCTAssertEqual(settlement.mints.count, 1, "and mint what it bought")
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: .usable(validBefore: 5_000)), .wait, "a failed payment is not relayed again by the watch")
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: .ending(reason: "x")), .wait)
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: .paying(pair)), .wait)
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: .unknown), .wait)
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: .ended(reason: "expired")), .close(reason: "expired"))
        XCTAssertEqual(FailureWatchPlanner.decide(failed, fate: nil), .close(reason: "its stored authorization cannot be relayed"))
    }

    func testFailureWatchRestoresALostSettlementWhoseProofIsGone() {
        var lost = Fixtures.sentRow()
        lost.status = .completed
        lost.reorgedAt = Date()
        lost.settlementLost = "spent elsewhere"
        XCTAssertEqual(FailureWatchPlanner.decide(lost, fate: .usable(validBefore: 5_000)), .reopen)
        guard case .complete = FailureWatchPlanner.decide(lost, fate: .paid(pair)) else { return XCTFail("a pair that appears re-points it") }
    }

    // MARK: Retry after a revert

    private let ours = Fixtures.hash(0xA1)

    private func signed(gasLimit: UInt64) -> [UInt8] {
        let key = try! PrivateKey(hex: String(repeating: "11", count: 32))
        return EIP1559Transaction(chainId: 1, nonce: 7, maxPriorityFeePerGas: 1, maxFeePerGas: 10, gasLimit: gasLimit, to: Fixtures.usdc,
                                  value: .zero, data: [1, 2, 3]).sign(with: key).raw
    }

    private func reverted(_ row: PaymentRow, gasUsed: UInt64, retries: Int) -> ConfirmDecision {
        var facts = Fixtures.facts()
        facts.revertRetries = retries
        let receipt = Fixtures.receipt(ours, block: 90, succeeded: false)
        facts.receipts[ours] = TransactionReceipt(transactionHash: ours, transactionIndex: 0, blockNumber: 90, blockHash: receipt.blockHash,
                                                  succeeded: false, gasUsed: gasUsed, effectiveGasPrice: 1, from: Fixtures.signer,
                                                  to: Fixtures.usdc, logs: [])
        facts.authorizationUsed[row.id] = false
        return ConfirmPlanner.decide(row, facts: facts)
    }

    func testAnOutOfGasRevertIsSignedAgainWithTwiceTheGas() {
        let row = Fixtures.sentRow(rawTx: signed(gasLimit: 55_000))
        // Through a proxy, 1/64 of the gas stays with the caller: 54,200 of 55,000 is out of gas.
        guard case .retryAfterRevert(_, let gasLimit) = reverted(row, gasUsed: 54_200, retries: 2) else { return XCTFail("not retried") }
        XCTAssertEqual(gasLimit, 110_000)
    }

    func testARevertForAnotherReasonIsSignedAgainWithTheSameGas() {
        let row = Fixtures.sentRow(rawTx: signed(gasLimit: 150_000))
        guard case .retryAfterRevert(let reason, let gasLimit) = reverted(row, gasUsed: 40_000, retries: 2) else { return XCTFail("not retried") }
        XCTAssertNil(gasLimit)
        XCTAssertTrue(reason.contains("retry 1 of 2"), reason)
    }

    func testRetriesAreBoundedByTheSetting() {
        var row = Fixtures.sentRow(rawTx: signed(gasLimit: 55_000))
        row.revertRetries = 2
        guard case .fail = reverted(row, gasUsed: 55_000, retries: 2) else { return XCTFail("retried past revert_retries") }
        row.revertRetries = 0
        guard case .fail = reverted(row, gasUsed: 55_000, retries: 0) else { return XCTFail("retried with revert_retries 0") }
    }

    func testAnExpiredAuthorizationIsNotRetried() {
        let row = Fixtures.sentRow(transfer: Fixtures.transfer(validBefore: 1_000), rawTx: signed(gasLimit: 55_000))
        guard case .fail = reverted(row, gasUsed: 55_000, retries: 2) else { return XCTFail("an expired authorization was signed again") }
    }

    func testTheRaisedGasLimitStopsAtTheSettingsMaximum() {
        let row = Fixtures.sentRow(rawTx: signed(gasLimit: 800_000))
        guard case .retryAfterRevert(_, let gasLimit) = reverted(row, gasUsed: 800_000, retries: 2) else { return XCTFail("not retried") }
        XCTAssertEqual(gasLimit, 1_000_000)
    }

    func testAnEarlierAttemptsRevertSaysNothingAboutTheTransactionSignedSince() {
        // Retried once: the reverted attempt was nonce 3; the current one, nonce 7, is unmined.
        var row = Fixtures.sentRow(ours: Fixtures.hash(0xA2), nonce: 7, rawTx: signed(gasLimit: 110_000))
        row.attempts.insert(TransactionAttempt(hash: ours, nonce: 3, maxFeePerGas: 10, maxPriorityFeePerGas: 1, at: 900), at: 0)
        row.revertRetries = 1
        XCTAssertEqual(reverted(row, gasUsed: 55_000, retries: 2), .wait, "the old revert retried or failed the payment again")
    }
}
