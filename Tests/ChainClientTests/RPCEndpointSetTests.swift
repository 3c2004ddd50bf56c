import ChainClient
import XCTest

/// The failover decisions, without a network (issue 8, item 8): which endpoint a request goes
/// to, how a failing one is backed off and probed, and where broadcasts go.
final class RPCEndpointSetTests: XCTestCase {
    private let t0 = ContinuousClock.now
    private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }
    private func attempts(_ route: [RPCEndpointSet.Attempt]) -> [String] {
        route.map { "\($0.endpoint)\($0.probeFirst ? "?" : "")" }
    }

    func testRequestsGoToThePreferredHealthyEndpointFirst() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b", "http://c"])
        XCTAssertEqual(attempts(set.route(now: at(0))), ["0", "1", "2"])
        set.answered(0)
        XCTAssertEqual(set.inUse, 0)
        XCTAssertEqual(set.broadcastTargets(), [0, 1, 2], "broadcasts go to every healthy endpoint")
    }

    /// A broadcast goes to every healthy endpoint and each answers: that must not move `stats`'
    /// endpoint in use off the preferred one (RPCFailoverTests read it right after a broadcast).
    func testBroadcastAnswersKeepTheEndpointInUse() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.answered(0)
        set.answeredBroadcast(0)
        set.answeredBroadcast(1)
        XCTAssertEqual(set.inUse, 0)
        set.failed(0, error: "refused", now: at(0))
        set.answeredBroadcast(1)
        XCTAssertEqual(set.inUse, 1, "unless the one in use is failing")
    }

    func testAFailingEndpointIsBackedOffAndTheNextOneTakesOver() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.failed(0, error: "refused", now: at(0))
        XCTAssertEqual(set.endpoints[0].health, .backingOff(failures: 1, retryAt: at(1), lastError: "refused"))
        XCTAssertEqual(attempts(set.route(now: at(0.5))), ["1", "0"], "the backed-off endpoint is the last resort")
        set.answered(1)
        XCTAssertEqual(set.inUse, 1)
        XCTAssertEqual(set.broadcastTargets(), [1], "a failing endpoint neither delays broadcasts nor vetoes them")
    }

    func testABackedOffEndpointIsProbedOnceItsTimeIsUpAndOnlyByOneRequest() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.failed(0, error: "refused", now: at(0))
        set.answered(1)
        XCTAssertEqual(attempts(set.route(now: at(1))), ["0?", "1"], "due: probed before it takes a request")
        guard case .probing(1, "refused", _) = set.endpoints[0].health else { return XCTFail("\(set.endpoints[0].health)") }
        XCTAssertEqual(attempts(set.route(now: at(1.1))), ["1", "0"], "a concurrent request leaves the probe alone")
        set.probeAnswered(0)
        XCTAssertEqual(set.endpoints[0].health, .healthy)
        XCTAssertEqual(set.inUse, 1, "in use changes when a request is answered")
        XCTAssertEqual(attempts(set.route(now: at(1.2))), ["0", "1"], "the preferred endpoint takes requests again")
        set.answered(0)
        XCTAssertEqual(set.inUse, 0)
    }

    func testAProbeThatNeverReportsDoesNotStrandTheEndpoint() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.failed(0, error: "refused", now: at(0))
        _ = set.route(now: at(1))
        XCTAssertEqual(attempts(set.route(now: at(1 + 31))), ["0?", "1"])
    }

    func testBackoffDoublesUpToThirtySeconds() {
        XCTAssertEqual((1...8).map { RPCEndpointSet.backoff(afterFailures: $0) },
                       [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.failed(0, error: "e1", now: at(0))
        _ = set.route(now: at(1))
        set.failed(0, error: "e2", now: at(1))
        XCTAssertEqual(set.endpoints[0].health, .backingOff(failures: 2, retryAt: at(3), lastError: "e2"), "a failed probe doubles the wait")
    }

    func testWhenNothingAnswersEveryEndpointIsTriedDirectlySoonestFirst() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b", "http://c"])
        set.failed(0, error: "x", now: at(0))
        set.failed(0, error: "x", now: at(0))
        set.failed(1, error: "x", now: at(0))
        set.failed(2, error: "x", now: at(0))
        set.failed(2, error: "x", now: at(0))
        set.failed(2, error: "x", now: at(0))
        XCTAssertEqual(attempts(set.route(now: at(0.5))), ["1", "0", "2"], "no probes: the request itself finds who answers")
        XCTAssertEqual(set.broadcastTargets(), [0, 1, 2])
        XCTAssertEqual(attempts(set.route(now: at(1.5))), ["1", "0", "2"], "due but nobody healthy: tried directly, not probed")
    }

    func testOneEndpointIsAlwaysTriedLikeAPlainClient() {
        var set = RPCEndpointSet(urls: ["http://a"])
        set.failed(0, error: "503", now: at(0))
        XCTAssertEqual(attempts(set.route(now: at(0))), ["0"])
        set.answered(0)
        XCTAssertEqual(set.endpoints[0].health, .healthy)
    }

    func testAnEndpointOnAnotherChainIsNeverUsedAgain() {
        var set = RPCEndpointSet(urls: ["http://a", "http://b"])
        set.answered(0)
        set.exclude(0, reason: "serves chain 1")
        XCTAssertEqual(set.inUse, 1)
        XCTAssertEqual(attempts(set.route(now: at(100))), ["1"])
        set.answered(0)
        set.failed(0, error: "x", now: at(100))
        XCTAssertEqual(set.endpoints[0].health, .excluded(reason: "serves chain 1"), "excluded stays excluded")
        set.failed(1, error: "x", now: at(100))
        XCTAssertEqual(set.broadcastTargets(), [1])
    }

    func testDisplayNamesHideWhatMayBeAnAPIKey() {
        XCTAssertEqual(RPCEndpointURL.redacted("http://127.0.0.1:8545"), "http://127.0.0.1:8545")
        XCTAssertEqual(RPCEndpointURL.redacted("http://127.0.0.1:8545/"), "http://127.0.0.1:8545")
        XCTAssertEqual(RPCEndpointURL.redacted("https://base-mainnet.g.alchemy.com/v2/SECRETKEY"), "https://base-mainnet.g.alchemy.com/…")
        XCTAssertEqual(RPCEndpointURL.redacted("https://user:pass@rpc.example.com"), "https://rpc.example.com/…")
        XCTAssertEqual(RPCEndpointURL.redacted("https://rpc.example.com/?apikey=SECRET"), "https://rpc.example.com/…")
    }
}
