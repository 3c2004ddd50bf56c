@testable import SettlementEngine
import XCTest

/// Concurrent callers share batches, each gets its own answer, no more than `concurrency`
/// batches run at once, and a caller alone is not kept waiting for company.
final class GroupCommitTests: XCTestCase {
    private actor Recorder {
        var batches: [[Int]] = []
        var running = 0
        var mostRunning = 0
        func start(_ batch: [Int]) { batches.append(batch); running += 1; mostRunning = max(mostRunning, running) }
        func end() { running -= 1 }
    }

    func testConcurrentItemsShareBatchesAndEachGetsItsOwnAnswer() async {
        let group = GroupCommit<Int, String>(maxBatch: 16, concurrency: 2)
        let recorder = Recorder()
        let process: @Sendable ([Int]) async -> [String] = { batch in
            await recorder.start(batch)
            try? await Task.sleep(for: .milliseconds(20))
            await recorder.end()
            return batch.map { "answer \($0)" }
        }
        let answers = await withTaskGroup(of: (Int, String).self) { tasks in
            for item in 0..<100 { tasks.addTask { (item, await group.submit(item, process: process)) } }
            var answers: [Int: String] = [:]
            for await (item, answer) in tasks { answers[item] = answer }
            return answers
        }
        XCTAssertEqual(answers, Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, "answer \($0)") }))
        let batches = await recorder.batches
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<100), "every item in exactly one batch")
        XCTAssertLessThanOrEqual(batches.map(\.count).max() ?? 0, 16)
        XCTAssertLessThan(batches.count, 100, "items waiting while batches ran were taken together")
        let mostRunning = await recorder.mostRunning
        XCTAssertLessThanOrEqual(mostRunning, 2)
    }

    func testAnItemAloneIsProcessedAtOnceAndTheGroupRunsAgainAfterwards() async {
        let group = GroupCommit<Int, Int>(maxBatch: 8)
        let recorder = Recorder()
        let process: @Sendable ([Int]) async -> [Int] = { batch in
            await recorder.start(batch)
            await recorder.end()
            return batch.map { $0 * 2 }
        }
        let first = await group.submit(21, process: process)
        let second = await group.submit(4, process: process)
        XCTAssertEqual([first, second], [42, 8])
        let batches = await recorder.batches
        XCTAssertEqual(batches, [[21], [4]])
    }
}
