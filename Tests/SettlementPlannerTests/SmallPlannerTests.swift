import ChainClient
import Ethereum
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import XCTest

/// The simulation verdicts, the mint batch plan, the stall watch and the backoff.
final class SmallPlannerTests: XCTestCase {
    private func reverted(_ message: String) -> CallOutcome {
        .reverted(.error(message), data: [])
    }

    func testSimulationRevertsSortIntoUsedNotYetValidPermanentAndTransient() {
        XCTAssertEqual(SimulationVerdict(.returned([])), .relay)
        XCTAssertEqual(SimulationVerdict(reverted("FiatTokenV2: authorization is used or canceled")), .alreadyUsed)
        XCTAssertEqual(SimulationVerdict(reverted("FiatTokenV2: authorization is not yet valid")), .notYetValid)
        guard case .permanent = SimulationVerdict(reverted("FiatTokenV2: authorization is expired")) else { return XCTFail() }
        guard case .permanent = SimulationVerdict(reverted("FiatTokenV2: invalid signature")) else { return XCTFail() }
        guard case .transient = SimulationVerdict(reverted("ERC20: transfer amount exceeds balance")) else { return XCTFail() }
        guard case .transient = SimulationVerdict(.reverted(.empty, data: [])) else { return XCTFail() }
    }

    /// Issue 16, found by reading: behind a node that gives no revert reason, a front-run
    /// payment's simulation read as "try again later" until expiry. With the chain's facts the
    /// words do not matter.
    func testARevertIsJudgedByTheAuthorizationsStateAndTheHeadsTimeNotByItsWords() {
        func facts(used: Bool = false, now: UInt64 = 1_000) -> SimulationVerdict.Facts {
            SimulationVerdict.Facts(used: used, now: now, validAfter: 100, validBefore: 2_000)
        }
        let silent = CallOutcome.reverted(.empty, data: [])
        XCTAssertEqual(SimulationVerdict(silent, facts: facts(used: true)), .alreadyUsed, "used: find out by whom")
        guard case .permanent(let expired) = SimulationVerdict(silent, facts: facts(now: 2_000)) else { return XCTFail("expired") }
        XCTAssertTrue(expired.contains("expired at 2000"), expired)
        XCTAssertEqual(SimulationVerdict(silent, facts: facts(now: 100)), .notYetValid, "validAfter must be passed")
        guard case .transient = SimulationVerdict(silent, facts: facts()) else { return XCTFail("unused, in its window: later") }
        // Facts outrank words: a misleading reason changes nothing.
        XCTAssertEqual(SimulationVerdict(reverted("FiatTokenV2: authorization is expired"), facts: facts(used: true)), .alreadyUsed)
        guard case .transient = SimulationVerdict(reverted("FiatTokenV2: authorization is used or canceled"), facts: facts()) else {
            return XCTFail("the token says unused")
        }
        guard case .permanent = SimulationVerdict(reverted("FiatTokenV2: invalid signature"), facts: facts()) else { return XCTFail() }
        XCTAssertEqual(SimulationVerdict(.returned([]), facts: facts(used: true)), .relay)
    }

    func testMintJobsAreJudgedOneByOne() throws {
        func job(_ id: String, token: String = Fixtures.mintToken.checksummed, hash: String = Fixtures.hash(1).hex,
                 recipient: String = Fixtures.payer.checksummed) -> MintJobRow {
            MintJobRow(id: id, paymentID: nil, index: nil, recipient: recipient, tokenAddress: token, dedupeHash: hash, status: .pending,
                       batchID: nil, mintTxHash: nil, error: nil)
        }
        var plan = MintBatchPlan(jobs: [
            job("a", hash: "0x1234"), job("b", recipient: "nobody"), job("c", hash: Fixtures.hash(3).hex),
            job("d", token: Fixtures.address(0x42).checksummed), job("e", hash: Fixtures.hash(5).hex), job("f", hash: Fixtures.hash(6).hex),
        ])
        XCTAssertEqual(plan.token, Fixtures.mintToken, "the oldest well-formed job's token")
        XCTAssertEqual(plan.unmintable.map(\.id), ["a", "b"])
        XCTAssertEqual(plan.candidates.map(\.job.id), ["c", "e", "f"], "d, another token, waits for the next batch")
        plan.judge(minted: [true, false, nil])
        XCTAssertEqual(plan.alreadyMinted, ["c"])
        XCTAssertEqual(plan.todo.map(\.job.id), ["e"])
        XCTAssertEqual(plan.unmintable.map(\.id), ["a", "b", "f"])
        XCTAssertTrue(plan.unmintable[2].error.contains("not a mint contract"))
        plan.leaveOut(["e": "mint would revert: max supply reached"])
        XCTAssertEqual(plan.todo.count, 0)
        XCTAssertEqual(plan.reverting.map(\.id), ["e"])
    }

    func testAStalledSignerWithWaitingTransactionsAboveAGapIsSuspected() {
        var watch = NonceStallWatch()
        let start = ContinuousClock.now
        let signer = Fixtures.signer
        XCTAssertTrue(watch.observe(mined: [signer: 5], waiting: [(signer, 6)], now: start, patience: .seconds(10)).isEmpty)
        XCTAssertTrue(watch.observe(mined: [signer: 5], waiting: [(signer, 6)], now: start + .seconds(5), patience: .seconds(10)).isEmpty)
        let suspects = watch.observe(mined: [signer: 5], waiting: [(signer, 6)], now: start + .seconds(11), patience: .seconds(10))
        XCTAssertEqual(suspects.map(\.nonce), [5])
        // A row of ours waiting at the stuck nonce itself is no gap (its bytes get rebroadcast).
        var held = NonceStallWatch()
        _ = held.observe(mined: [signer: 5], waiting: [(signer, 5), (signer, 6)], now: start, patience: .seconds(10))
        XCTAssertTrue(held.observe(mined: [signer: 5], waiting: [(signer, 5), (signer, 6)], now: start + .seconds(20), patience: .seconds(10)).isEmpty)
    }

    func testBackoffDoublesToFiveSecondsAndStartsOver() {
        var backoff = RetryBackoff()
        XCTAssertEqual((1...7).map { _ in backoff.failed() }, [.milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200),
                                                               .milliseconds(5000), .milliseconds(5000), .milliseconds(5000)])
        backoff.reset()
        XCTAssertEqual(backoff.failed(), .milliseconds(400))
    }
}

/// How signer lanes are shared out among instances on one database.
final class LeaseShareTests: XCTestCase {
    func testLanesAreSharedOutEvenlyTheFirstNamesTakingTheRemainder() {
        let live = ["alpha", "bravo", "charlie"]
        XCTAssertEqual(live.map { LeaseKeeper.share(of: 4, among: live, for: $0) }, [2, 1, 1])
        XCTAssertEqual(live.map { LeaseKeeper.share(of: 3, among: live, for: $0) }, [1, 1, 1])
        XCTAssertEqual(LeaseKeeper.share(of: 4, among: ["alpha"], for: "alpha"), 4, "alone, an instance takes every lane")
        XCTAssertEqual(LeaseKeeper.share(of: 4, among: ["alpha", "bravo"], for: "charlie"), 1, "not listed yet: counted, last")
        XCTAssertEqual(["alpha", "bravo"].map { LeaseKeeper.share(of: 1, among: ["alpha", "bravo"], for: $0) }, [1, 0])
    }
}
