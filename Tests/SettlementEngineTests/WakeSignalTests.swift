@testable import SettlementEngine
import XCTest

/// Each wait says why it ended, and each test asserts the reason. The waits that must end some
/// other way have a timeout of `fallback`: long enough that ending by it means the thing under
/// test did not happen, short enough that a broken signal fails the test instead of hanging it.
private let fallback = Duration.seconds(10)

final class WakeSignalTests: XCTestCase {
    func testASignalSentBeforeTheWaitIsRememberedAndWakesOneWait() async {
        let wake = WakeSignal()
        wake.signal()
        let first = await wake.wait(timeout: fallback)
        XCTAssertEqual(first, .signalled, "a signal sent while nobody waits is remembered")
        let second = await wake.wait(timeout: .milliseconds(50))
        XCTAssertEqual(second, .timedOut, "a remembered signal is used up by the wait it woke")
    }

    func testASignalWakesEveryParkedWaiterAndIsNotAlsoRemembered() async throws {
        let wake = WakeSignal()
        let waiters = [Task { await wake.wait(timeout: fallback) }, Task { await wake.wait(timeout: fallback) }]
        try await waitUntilParked(wake, count: 2)
        wake.signal()
        for waiter in waiters {
            let reason = await waiter.value
            XCTAssertEqual(reason, .signalled, "a parked waiter is woken by the signal, not by its timeout")
        }
        XCTAssertEqual(wake.waiterCount, 0)
        let later = await wake.wait(timeout: .milliseconds(50))
        XCTAssertEqual(later, .timedOut, "a signal that woke waiters is not remembered for the next wait as well")
    }

    func testCancellationEndsAParkedWait() async throws {
        let wake = WakeSignal()
        let waiter = Task { await wake.wait(timeout: fallback) }
        try await waitUntilParked(wake, count: 1)
        waiter.cancel()
        let reason = await waiter.value
        XCTAssertEqual(reason, .cancelled, "cancelling the waiting task ends the wait at once, not at its timeout")
        XCTAssertEqual(wake.waiterCount, 0)
    }

    func testAWaitInAnAlreadyCancelledTaskReturnsAtOnce() async {
        let wake = WakeSignal()
        let waiter = Task { () -> WakeSignal.Wake in
            while !Task.isCancelled { await Task.yield() }
            return await wake.wait(timeout: fallback)
        }
        waiter.cancel()
        let reason = await waiter.value
        XCTAssertEqual(reason, .cancelled)
        XCTAssertEqual(wake.waiterCount, 0, "a cancelled task never parks")
    }

    func testTheTimeoutEndsAWaitNobodySignals() async {
        let wake = WakeSignal()
        let waiter = Task { await wake.wait(timeout: .milliseconds(20)) }
        // Only so that a timeout that never fires fails the test instead of hanging it: the
        // watchdog cancels the wait, which then ends `.cancelled`, not `.timedOut`.
        let watchdog = Task {
            try await Task.sleep(for: fallback)
            waiter.cancel()
        }
        let reason = await waiter.value
        watchdog.cancel()
        XCTAssertEqual(reason, .timedOut)
        XCTAssertEqual(wake.waiterCount, 0)
    }

    /// Waits until `count` waiters are parked in `wake` (so a signal or cancel reaches a parked
    /// wait, not one still on its way in); fails after `fallback`.
    private func waitUntilParked(_ wake: WakeSignal, count: Int, file: StaticString = #filePath, line: UInt = #line) async throws {
        let deadline = ContinuousClock.now + fallback
        while wake.waiterCount < count {
            guard ContinuousClock.now < deadline else {
                XCTFail("\(count) waiter(s) never parked (\(wake.waiterCount) did)", file: file, line: line)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        XCTAssertEqual(wake.waiterCount, count, file: file, line: line)
    }
}
