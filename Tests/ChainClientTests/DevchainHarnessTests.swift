import Foundation
import JSON
import TestHarness
import XCTest

/// The harness itself: what it reads from the node, its control helper, and a clean stop.
final class DevchainHarnessTests: XCTestCase {
    func testSharedNodeReportsItsDeploymentAndAnswersControlCalls() throws {
        let node = try Devchain.shared()
        XCTAssertTrue(node.rpcURL.hasPrefix("http://127.0.0.1:"))
        XCTAssertEqual(node.chainID, 31337)
        XCTAssertEqual(node.receiver, node.mintToken)
        XCTAssertEqual(node.usdcVersion, "2")
        XCTAssertEqual(node.signers.count, 4)
        XCTAssertEqual(node.buyers.count, 8)
        XCTAssertTrue(node.buyers.allSatisfy { $0.privateKey.count == 66 && $0.address.count == 42 })
        let status = try node.control("devchain_status")
        XCTAssertEqual(status["latencyMs"], 0)
        XCTAssertThrowsError(try node.control("devchain_failNextRequests", [1, "no-such-mode"]))
    }

    func testStopEndsTheNodeProcess() throws {
        let node = try Devchain.start(blockMilliseconds: 0, signers: 1, buyers: 1)
        XCTAssertEqual(kill(node.processID, 0), 0, "running")
        XCTAssertEqual(try node.control("eth_chainId"), "0x7a69")
        node.stop()
        XCTAssertEqual(kill(node.processID, 0), -1, "stopped and reaped")
        XCTAssertThrowsError(try node.control("eth_chainId"))
        node.stop()
    }
}
