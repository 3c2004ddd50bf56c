import Foundation
import PaymentStore
@testable import SettlementEngine
import XCTest

/// The sell-out search: for every batch size and every capacity a token may have left, the
/// search finds exactly the capacity, simulating each prefix at most once and about log2(n) in all.
final class MintPrefixSearchTests: XCTestCase {
    func testTheSearchFindsTheLongestPrefixThatMintsForEverySizeAndCapacity() {
        for count in 2...64 {
            for capacity in 1..<count {
                var search = MintPrefixSearch(count: count)
                var probed: [Int] = []
                while let length = search.probe {
                    XCTAssertFalse(probed.contains(length), "count \(count), capacity \(capacity): \(length) probed twice")
                    XCTAssertTrue((2..<count).contains(length), "count \(count): probe \(length) outside what is unknown")
                    probed.append(length)
                    search.record(length, runs: length <= capacity)
                }
                XCTAssertEqual(search.found, capacity, "count \(count)")
                XCTAssertLessThanOrEqual(probed.count, Int(log2(Double(count)).rounded(.up)), "count \(count), capacity \(capacity): \(probed)")
            }
        }
    }

    func testABatchOfTwoNeedsNoProbe() {
        let search = MintPrefixSearch(count: 2)
        XCTAssertNil(search.probe, "each alone runs and both together revert: one job is the answer")
        XCTAssertEqual(search.found, 1)
    }

    func testTheBatchKeepsItsOldestJobs() {
        let jobs = (0..<5).map { index in
            MintJobRow(id: "j\(index)", paymentID: nil, index: nil, recipient: Fixtures.payer.checksummed,
                       tokenAddress: Fixtures.mintToken.checksummed, dedupeHash: Fixtures.hash(UInt8(10 + index)).hex, status: .pending,
                       batchID: nil, mintTxHash: nil, error: nil)
        }
        var plan = MintBatchPlan(jobs: jobs)
        plan.judge(minted: Array(repeating: false, count: 5))
        plan.keepOldest(3)
        XCTAssertEqual(plan.todo.map(\.job.id), ["j0", "j1", "j2"])
    }
}
