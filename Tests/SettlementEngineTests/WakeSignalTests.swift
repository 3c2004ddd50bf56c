@testable import SettlementEngine
import XCTest

final class WakeSignalTests: XCTestCase {
    func testSignalBeforeWaitIsNotLost() async {
        let wake = WakeSignal()
        wake.signal()
        let start = ContinuousClock.now
        await wake.wait(timeout: .seconds(600))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(300), "a remembered signal returns at once")
    }

    func testSignalWakesAWaiter() async {
        let wake = WakeSignal()
        let waiter = Task { await wake.wait(timeout: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        wake.signal()
        await waiter.value
    }

    func testCancellationEndsTheWait() async {
        let wake = WakeSignal()
        let waiter = Task { await wake.wait(timeout: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
    }

    func testTimeoutEndsTheWait() async {
        let wake = WakeSignal()
        await wake.wait(timeout: .milliseconds(20))
    }
}
