import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import XCTest

/// Which sent payments the confirm loop asks the node about: those whose signer's mined nonce
/// passed theirs, and those the age rules look at; a young payment whose nonce is not mined
/// waits without a question. Every row the rule cannot judge is asked.
final class NonceGatedLookTests: XCTestCase {
    /// Facts at now = 2,000 s with the signer's mined count at `mined` (nil: not read).
    private func facts(mined: UInt64?) -> ConfirmFacts {
        var facts = Fixtures.facts()
        if let mined { facts.minedNonces[Fixtures.signer] = mined }
        return facts
    }

    /// Signed and broadcast 10 s ago at nonce 7: younger than rebroadcast (30 s) and fee bump (60 s).
    private func youngRow(transfer: TransferWithAuthorization = Fixtures.transfer()) -> PaymentRow {
        Fixtures.sentRow(transfer: transfer, nonce: 7, signedAt: 1_990)
    }

    func testAYoungRowWhoseNonceIsNotMinedIsNotAsked() {
        XCTAssertFalse(ConfirmPlanner.needsChainLook(youngRow(), facts: facts(mined: 7)))
        XCTAssertFalse(ConfirmPlanner.needsChainLook(youngRow(), facts: facts(mined: 3)))
    }

    func testARowWhoseNonceIsMinedIsAsked() {
        XCTAssertTrue(ConfirmPlanner.needsChainLook(youngRow(), facts: facts(mined: 8)))
        XCTAssertTrue(ConfirmPlanner.needsChainLook(youngRow(), facts: facts(mined: 100)))
    }

    func testTheAgeRulesAndExpiryAskWhateverTheNonce() {
        let rebroadcastAge = Fixtures.sentRow(nonce: 7, signedAt: 2_000 - 30)
        XCTAssertTrue(ConfirmPlanner.needsChainLook(rebroadcastAge, facts: facts(mined: 7)))
        let expired = youngRow(transfer: Fixtures.transfer(validBefore: UInt256(Fixtures.header(100).timestamp)))
        XCTAssertTrue(ConfirmPlanner.needsChainLook(expired, facts: facts(mined: 7)))
        let unexpired = youngRow(transfer: Fixtures.transfer(validBefore: UInt256(Fixtures.header(100).timestamp + 1)))
        XCTAssertFalse(ConfirmPlanner.needsChainLook(unexpired, facts: facts(mined: 7)))
    }

    func testRowsTheRuleCannotJudgeAreAlwaysAsked() {
        XCTAssertTrue(ConfirmPlanner.needsChainLook(youngRow(), facts: facts(mined: nil)), "the signer's count was not read")
        XCTAssertTrue(ConfirmPlanner.needsChainLook(Fixtures.sentRow(ours: nil, signedAt: 1_990), facts: facts(mined: 7)),
                      "no signer (the replaced system's rows)")
        XCTAssertTrue(ConfirmPlanner.needsChainLook(Fixtures.sentRow(nonce: 7, signedAt: 1_990, rawTx: nil), facts: facts(mined: 7)),
                      "no recorded bytes")

        var restoring = youngRow()
        restoring.status = .completed
        restoring.reorgedAt = Date(timeIntervalSince1970: 1_995)
        XCTAssertTrue(ConfirmPlanner.needsChainLook(restoring, facts: facts(mined: 7)), "restoring after a reorg")

        var resigned = youngRow()
        resigned.attempts.insert(TransactionAttempt(hash: Fixtures.hash(0xA0), nonce: 4, maxFeePerGas: 10, maxPriorityFeePerGas: 1, at: 1_980), at: 0)
        XCTAssertTrue(ConfirmPlanner.needsChainLook(resigned, facts: facts(mined: 7)), "an earlier attempt at another nonce")
    }

    /// The rows left unasked are exactly the ones `decide` would have left waiting with no facts.
    func testAnUnaskedRowWouldOnlyHaveWaited() {
        let row = youngRow()
        let facts = facts(mined: 7)
        XCTAssertFalse(ConfirmPlanner.needsChainLook(row, facts: facts))
        var answered = facts
        answered.authorizationUsed[row.id] = false
        answered.known = Set(row.allTransactionHashes)
        answered.poolChecked = [row.id]
        XCTAssertEqual(ConfirmPlanner.decide(row, facts: answered), .wait, "unmined, in the pool, young: nothing to do")
    }
}
