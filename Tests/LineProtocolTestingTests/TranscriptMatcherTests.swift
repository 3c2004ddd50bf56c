import JSON
import LineProtocolTesting
import XCTest

final class TranscriptMatcherTests: XCTestCase {
    func testPlaceholdersMatchTheirKindsAndNothingElse() {
        var matcher = TranscriptMatcher()
        let good: [(JSONValue, String)] = [
            ("0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", "<uuid>"), ("2025-01-01T00:00:00.000Z", "<rfc3339>"),
            (.string("0x" + String(repeating: "aB", count: 32)), "<tx_hash>"), (.string("0x" + String(repeating: "00", count: 20)), "<address>"),
            ("123", "<decimal>"), (.null, "<tx_hash|null>"), (5, "<integer>"), (.double(2.5), "<number>"), (true, "<boolean>"),
            ([1], "<array>"), ([:], "<object>"), ("sent", "<status>"), ("anything", "<any>"), ("0x", "<hex>"),
        ]
        for (actual, expected) in good {
            XCTAssertEqual(matcher.match(actual, against: .string(expected)), [], "\(actual) vs \(expected)")
        }
        let bad: [(JSONValue, String)] = [
            ("0b6f1c5e3f0a4d7e9a432f1d9c1e7b55", "<uuid>"), ("2025-01-01", "<rfc3339>"), ("0x12", "<tx_hash>"), ("12a", "<decimal>"),
            (.double(1.5), "<integer>"), ("1", "<number>"), (.null, "<string>"), ("done", "<status>"), ("0x123", "<hex>"),
        ]
        for (actual, expected) in bad {
            XCTAssertFalse(matcher.match(actual, against: .string(expected)).isEmpty, "\(actual) vs \(expected)")
        }
    }

    func testObjectsMayHaveExtraKeysButNotMissingOnes() {
        var matcher = TranscriptMatcher()
        XCTAssertEqual(matcher.match(["a": 1, "b": 2], against: ["a": 1]), [])
        let missing = matcher.match(["a": 1], against: ["a": 1, "b": "<any>"])
        XCTAssertEqual(missing.map(\.path), ["$.b"])
        XCTAssertEqual(matcher.match(["a": 1], against: ["b": "<absent>"]), [])
        XCTAssertEqual(matcher.match([1, 2], against: [1]).map(\.path), ["$"])
        XCTAssertEqual(matcher.match(.double(1), against: 1), [])
        XCTAssertEqual(matcher.match(["x": ["y": "z"]], against: ["x": ["y": "w"]]).map(\.description), [#"$.x.y: expected "w", got "z""#])
    }

    func testCapturesBindOnceAndFeedLaterRequestsAndExpectations() {
        var matcher = TranscriptMatcher(bindings: ["key": "k-1"])
        let id = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"
        XCTAssertEqual(matcher.match(["payment_id": .string(id)], against: ["payment_id": "<uuid:p>"]), [])
        XCTAssertEqual(matcher.substitute(into: "status {{p}} {{key}} {{unknown}}"), "status \(id) k-1 {{unknown}}")
        XCTAssertEqual(matcher.match(.string(id), against: "<uuid:p>"), [])
        XCTAssertFalse(matcher.match("00000000-0000-4000-8000-000000000000", against: "<uuid:p>").isEmpty)
        XCTAssertEqual(matcher.match("k-1", against: "{{key}}"), [])
        XCTAssertFalse(matcher.match("k-2", against: "{{key}}").isEmpty)
        var objectBinding = TranscriptMatcher(bindings: ["auth": ["from": "0x1"]])
        XCTAssertEqual(objectBinding.substitute(into: #"{"authorization":{{auth}}}"#), #"{"authorization":{"from":"0x1"}}"#)
        XCTAssertEqual(objectBinding.match(["from": "0x1"], against: "{{auth}}"), [])
    }

    func testAFailedMatchCapturesNothing() {
        var matcher = TranscriptMatcher()
        _ = matcher.match(["id": "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", "ok": false], against: ["id": "<uuid:p>", "ok": true])
        XCTAssertNil(matcher.bindings["p"])
    }
}
