import ChainClient
import Logging
@testable import SettlementEngine
import XCTest

/// `LogRange` and which node refusals it answers: a span refused as too large is halved and
/// remembered; a rate limit is not a range refusal.
final class LogRangeTests: XCTestCase {
    func testARefusedSpanIsHalvedAndRememberedButNeverAboveTheSetting() {
        let range = LogRange(logger: Logger(label: "test"))
        XCTAssertEqual(range.blocks(configured: 10_000), 10_000)
        XCTAssertEqual(range.refused(span: 10_000, error: "x"), 5_000)
        XCTAssertEqual(range.blocks(configured: 10_000), 5_000)
        XCTAssertEqual(range.blocks(configured: 2_000), 2_000, "a lower setting wins")
        XCTAssertEqual(range.refused(span: 3, error: "x"), 1)
        XCTAssertEqual(range.blocks(configured: 10_000), 1)
        XCTAssertNil(range.refused(span: 1, error: "x"), "one block refused: nothing smaller to ask")
        XCTAssertEqual(range.refused(span: 800, error: "x"), 400, "a wider refusal (another search) does not raise what was learned")
        XCTAssertEqual(range.blocks(configured: 10_000), 1)
    }

    func testProvidersRangeSentencesAreRefusalsAndRateLimitsAreNot() {
        let refusals = [
            RPCErrorObject(code: -32005, message: "query exceeds max block range 2000"),
            RPCErrorObject(code: -32602, message: "eth_getLogs is limited to a 10,000 range"),
            RPCErrorObject(code: -32005, message: "query returned more than 10000 results"),
            RPCErrorObject(code: -32000, message: "block range too large"),
            RPCErrorObject(code: -32602, message: "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"),
        ]
        for refusal in refusals { XCTAssertTrue(refusal.isLogRangeRefusal, refusal.message) }
        let others = [
            RPCErrorObject(code: -32005, message: "daily request count exceeded, request rate limited"),
            RPCErrorObject(code: 429, message: "Your app has exceeded its compute units per second capacity"),
            RPCErrorObject(code: -32000, message: "header not found"),
        ]
        for other in others { XCTAssertFalse(other.isLogRangeRefusal, other.message) }
    }
}
