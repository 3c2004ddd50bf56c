import ChaosDrill
import XCTest

/// The fault plan: replayable from its seed, holding what was asked, and never pairing a
/// payer's re-spend with reinjection (which would judge the devchain's pool, not the engine).
final class ChaosPlanTests: XCTestCase {
    private func plan(seed: UInt64, reorgs: Int = 4, respends: Int = 2) -> ChaosPlan {
        ChaosPlan(seed: seed, kills: 3, reorgs: reorgs, rpcFaults: 2, maxReorgDepth: 8, respends: respends, relays: 2,
                  cancels: 2, revertWindows: 1)
    }

    func testTheSameSeedReplaysTheSamePlan() {
        XCTAssertEqual(plan(seed: 7), plan(seed: 7))
        XCTAssertNotEqual(plan(seed: 7).actions, plan(seed: 8).actions)
    }

    func testThePlanHoldsEachFaultAskedFor() {
        let actions = plan(seed: 3).actions
        XCTAssertEqual(actions.count, 3 + 4 + 2 + 2 + 2 + 1)
        XCTAssertEqual(actions.filter { $0 == .kill }.count, 3)
        let reorgs = actions.compactMap { action -> (Int, Bool, Bool)? in
            if case .reorg(let depth, let reinject, let respend) = action { return (depth, reinject, respend) }
            return nil
        }
        XCTAssertEqual(reorgs.count, 4)
        XCTAssertTrue(reorgs.allSatisfy { (1...8).contains($0.0) })
        XCTAssertEqual(reorgs.filter { $0.2 }.count, 2)
    }

    func testAReSpendForkNeverReinjectsAndPlainForksDoBoth() {
        for seed in UInt64(1)...40 {
            for (reorgs, respends) in [(2, 1), (4, 2), (3, 0), (5, 1)] {
                let reorgFaults = plan(seed: seed, reorgs: reorgs, respends: respends).actions.compactMap { action -> (Bool, Bool)? in
                    if case .reorg(_, let reinject, let respend) = action { return (reinject, respend) }
                    return nil
                }
                XCTAssertFalse(reorgFaults.contains { $0.0 && $0.1 }, "seed \(seed): a re-spend fork reinjects")
                let plain = reorgFaults.filter { !$0.1 }
                if plain.count >= 2 {
                    XCTAssertTrue(plain.contains { $0.0 }, "seed \(seed), \(reorgs)/\(respends): no plain fork reinjects")
                    XCTAssertTrue(plain.contains { !$0.0 }, "seed \(seed), \(reorgs)/\(respends): every plain fork reinjects")
                }
            }
        }
    }
}
