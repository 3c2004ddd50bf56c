import Ethereum
@testable import SettlementEngine
import XCTest

final class FeeEscalationTests: XCTestCase {
    func testUnderpricedRefusalsRaiseTheTipAndAcceptanceLowersIt() {
        let escalation = FeeEscalation()
        XCTAssertEqual(escalation.minimumTip(UInt256(1_000)), UInt256(1_000))
        escalation.escalate()
        XCTAssertEqual(escalation.minimumTip(UInt256(1_000)), UInt256(1_250))
        escalation.relax()
        XCTAssertEqual(escalation.current, 112)
        for _ in 0..<50 { escalation.relax() }
        XCTAssertEqual(escalation.current, 100, "never below the configured tip")
        for _ in 0..<50 { escalation.escalate() }
        XCTAssertEqual(escalation.current, 1_000, "never above ten times the configured tip")
    }
}
