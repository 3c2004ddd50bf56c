import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import XCTest

/// The send loop's decisions: which claimed payments can be relayed, what a simulation says,
/// who used an authorization, and which get a nonce and a signature.
final class SendPlannerTests: XCTestCase {
    private let configuration = EngineConfiguration(
        chainID: 31337, receiver: Fixtures.receiver,
        paymentTokens: [PaymentTokenConfiguration(address: Fixtures.usdc, domainName: "USD Coin", domainVersion: "2")],
        mintTokens: [Fixtures.mintToken], prices: PriceList(), paymentSigners: [], minter: nil)

    private func pending(_ id: String, nonce: UInt8 = 1) -> PaymentRow {
        var row = Fixtures.sentRow(id: id, transfer: Fixtures.transfer(nonce: nonce), ours: nil)
        row.status = .pending
        return row
    }

    func testRowsThatCanNeverBeRelayedFailWithTheReason() {
        var plan = SendPlan()
        var unsigned = pending("00000000-0000-4000-8000-000000000001")
        unsigned.signature = nil
        unsigned.authorizationProblem = "the stored authorization has no signature"
        var foreign = pending("00000000-0000-4000-8000-000000000002")
        foreign.paymentToken = Fixtures.address(0x77)
        let good = pending("00000000-0000-4000-8000-000000000003")
        let candidates = SendPlanner.candidates([unsigned, foreign, good], configuration: configuration, into: &plan)
        XCTAssertEqual(candidates.map { $0.row.id }, [good.id])
        XCTAssertEqual(plan.failed.map { $0.row.id }, [unsigned.id, foreign.id])
        XCTAssertTrue(plan.failed[0].error.contains("no signature"), plan.failed[0].error)
        XCTAssertEqual(candidates[0].calldata.prefix(4), ABI.selector(
            "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)")[...])
    }

    func testEachSimulationVerdictHasOneReaction() {
        var plan = SendPlan()
        let rows = (1...5).map { pending("00000000-0000-4000-8000-00000000000\($0)", nonce: UInt8($0)) }
        let candidates = SendPlanner.candidates(rows, configuration: configuration, into: &plan)
        let verdicts: [SimulationVerdict] = [.relay, .alreadyUsed, .notYetValid, .permanent("expired"), .transient("balance")]
        let (ready, used) = SendPlanner.sort(candidates, verdicts: verdicts, into: &plan)
        XCTAssertEqual(ready.map { $0.row.id }, [rows[0].id])
        XCTAssertEqual(used.map { $0.row.id }, [rows[1].id])
        XCTAssertEqual(plan.untouched, [rows[2].id])
        XCTAssertEqual(plan.failed.map { $0.row.id }, [rows[3].id])
        XCTAssertEqual(plan.deferred.map(\.id), [rows[4].id])
    }

    /// Rows waiting on the chain back off briefly; rows waiting for fees or a lane do not (the
    /// oldest go first once there are).
    func testRowsWaitingOnTheChainAreTheOnlyOnesThatBackOff() throws {
        var plan = SendPlan()
        let rows = (1...4).map { pending("00000000-0000-4000-8000-00000000000\($0)", nonce: UInt8($0)) }
        let candidates = SendPlanner.candidates(rows, configuration: configuration, into: &plan)
        _ = SendPlanner.sort(Array(candidates[0..<1]), verdicts: [.notYetValid], into: &plan)
        SendPlanner.settleUsed([candidates[1]], uses: [:], head: 9, confirmationsRequired: 1, into: &plan)
        SendPlanner.sign(Array(candidates[2...]), reserved: [], fees: nil, chainID: 31337, gasLimit: 150_000, now: Date(), into: &plan)
        XCTAssertEqual(plan.untouched, rows.map(\.id))
        XCTAssertEqual(plan.waiting, [rows[0].id, rows[1].id])
    }

    func testUsedAuthorizationsSettleFailOrWaitByWhatUsedThem() {
        var plan = SendPlan()
        let rows = (1...5).map { pending("00000000-0000-4000-8000-00000000000\($0)", nonce: UInt8($0)) }
        var legacy = rows[4]
        legacy.enqueuedBlock = nil
        let candidates = SendPlanner.candidates(Array(rows[0..<4]) + [legacy], configuration: configuration, into: &plan)
        let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 9, blockHash: Fixtures.hash(9), logIndex: 0)
        SendPlanner.settleUsed(candidates, uses: [
            rows[0].id: .paid(pair),
            rows[1].id: .spentElsewhere(transaction: Fixtures.hash(0xEE), blockNumber: 9),
            rows[2].id: .cancelled(transaction: Fixtures.hash(0xCC), blockNumber: 9),
        ], head: 9, confirmationsRequired: 1, into: &plan)
        XCTAssertEqual(plan.settled.map(\.paymentID), [rows[0].id])
        XCTAssertEqual(plan.failed.map { $0.row.id }, [rows[1].id, rows[2].id, legacy.id])
        XCTAssertEqual(plan.untouched, [rows[3].id], "a use not visible yet is looked at again")
    }

    /// Found by reading (issue 16): the front-run path completed at depth 1 whatever
    /// `confirmations_required` said.
    func testAFrontRunPairSettlesOnlyOnceConfirmationsRequiredDeep() {
        let rows = [pending("00000000-0000-4000-8000-00000000000c", nonce: 3)]
        let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 9, blockHash: Fixtures.hash(9), logIndex: 0)
        for (head, settled) in [(UInt64(9), false), (10, false), (11, true)] {
            var plan = SendPlan()
            let candidates = SendPlanner.candidates(rows, configuration: configuration, into: &plan)
            SendPlanner.settleUsed(candidates, uses: [rows[0].id: .paid(pair)], head: head, confirmationsRequired: 3, into: &plan)
            XCTAssertEqual(plan.settled.map(\.paymentID), settled ? [rows[0].id] : [], "head \(head)")
            XCTAssertEqual(plan.untouched, settled ? [] : [rows[0].id], "head \(head)")
        }
    }

    func testTwoPaymentsClaimingOnePairSettleOnlyOne() {
        var plan = SendPlan()
        let rows = [pending("00000000-0000-4000-8000-00000000000a", nonce: 1), pending("00000000-0000-4000-8000-00000000000b", nonce: 2)]
        let candidates = SendPlanner.candidates(rows, configuration: configuration, into: &plan)
        let pair = SettlementPair(transactionHash: Fixtures.hash(0xF0), blockNumber: 9, blockHash: Fixtures.hash(9), logIndex: 0)
        SendPlanner.settleUsed(candidates, uses: [rows[0].id: .paid(pair), rows[1].id: .paid(pair)], head: 9, confirmationsRequired: 1, into: &plan)
        XCTAssertEqual(plan.settled.map(\.paymentID), [rows[0].id])
        XCTAssertEqual(plan.untouched, [rows[1].id])
    }

    func testSigningUsesTheReservedNoncesAndLeavesTheRestPending() throws {
        var plan = SendPlan()
        let rows = (1...3).map { pending("00000000-0000-4000-8000-00000000000\($0)", nonce: UInt8($0)) }
        let candidates = SendPlanner.candidates(rows, configuration: configuration, into: &plan)
        let key = try PrivateKey(bytes: [UInt8](repeating: 7, count: 32))
        let fees = FeeSuggestion(nextBaseFee: 10, maxPriorityFeePerGas: 2, maxFeePerGas: 30)
        SendPlanner.sign(candidates, reserved: [(key, 40), (key, 41)], fees: fees, chainID: 31337, gasLimit: 150_000,
                         now: Date(timeIntervalSince1970: 5), into: &plan)
        XCTAssertEqual(plan.signed.map(\.nonce), [40, 41])
        XCTAssertEqual(plan.untouched, [rows[2].id], "no lane had room for the third")
        let decoded = try SignedTransaction.decode(raw: plan.signed[0].rawTx)
        XCTAssertEqual(decoded.sender, key.address)
        XCTAssertEqual(decoded.transaction.nonce, 40)
        XCTAssertEqual(decoded.transaction.to, Fixtures.usdc)
        XCTAssertEqual(plan.signed[0].attempt.hash, decoded.hash, "the recorded attempt is the bytes' hash")

        var noFees = SendPlan()
        SendPlanner.sign(candidates, reserved: [(key, 40)], fees: nil, chainID: 31337, gasLimit: 150_000, now: Date(), into: &noFees)
        XCTAssertEqual(noFees.signed.count, 0)
        XCTAssertEqual(noFees.untouched.count, 3)
    }
}
