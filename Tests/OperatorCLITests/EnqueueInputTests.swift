import JSON
import LineProtocolClient
import LineProtocolCodec
import OperatorCLI
import PaymentModel
import XCTest

/// The lines `payctl enqueue --file` reads, and the summary it ends with.
final class EnqueueInputTests: XCTestCase {
    private let payment = """
        {"type":"mint","token":"0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084","payment_token":"0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F",\
        "amount":"1000","authorization":{"from":"0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9","to":"0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084",\
        "value":"1000","validAfter":"0","validBefore":"1900000000","nonce":"0x\(String(repeating: "11", count: 32))",\
        "signature":"0x\(String(repeating: "ab", count: 65))"},"metadata":{"quantity":1}}
        """

    func testEveryLineFormIsOnePayment() throws {
        let text = """
            # exported 2026-11-27
            {"cmd":"enqueue","payment":\(payment),"idempotency_key":"a"}
            {"payment":\(payment),"idempotency_key":"b"}

            \(payment)\r
            """
        let items = try EnqueueInput.parse(text).get()
        XCTAssertEqual(items.map(\.line), [2, 3, 5])
        XCTAssertEqual(items.map(\.request.idempotencyKey), ["a", "b", nil])
        XCTAssertEqual(Set(items.map(\.request.amount)), ["1000"])
    }

    func testAFileWithBadLinesNamesEachAndYieldsNothing() {
        let text = "\(payment)\n{\"payment\":{\"type\":\"mint\"}}\nnot json\n{\"cmd\":\"stats\"}\n[1]\n"
        guard case .failure(let errors) = EnqueueInput.parse(text) else { return XCTFail("bad lines must refuse the file") }
        XCTAssertEqual(errors.lines.map(\.line), [2, 3, 4, 5])
        XCTAssertTrue(errors.lines[0].reason.contains("payment_token"), errors.lines[0].reason)
        XCTAssertTrue(errors.lines[1].reason.hasPrefix("not JSON"), errors.lines[1].reason)
        XCTAssertEqual(errors.lines[2].reason, "is a stats request, not an enqueue")
        XCTAssertEqual(errors.lines[3].reason, "must be a JSON object")
    }

    func testTheSummaryCountsNewDuplicateAndRefusedLines() throws {
        let items = try EnqueueInput.parse([payment, payment, payment, payment].joined(separator: "\n")).get()
        let outcomes: [EnqueueOutcome] = [
            .accepted(result: ["payment_id": "x", "status": "pending", "duplicate": false], duplicate: false),
            .accepted(result: ["payment_id": "y", "status": "sent", "duplicate": true], duplicate: true),
            .failed(.remote(WireError(code: "price_mismatch", message: "amount 1000 is not 2000"))),
            .accepted(result: ["payment_id": "z", "status": "pending", "duplicate": false], duplicate: false),
        ]
        let summary = EnqueueSummary(items: items, outcomes: outcomes, seconds: 2)
        XCTAssertEqual(summary.render(), """
            enqueued 4 payments in 2s (2/s): 2 new, 1 already queued, 1 refused
              line 3: price_mismatch: amount 1000 is not 2000

            """)
        XCTAssertEqual(summary.exitStatus, .refused)
        let unreachable = EnqueueSummary(items: [items[0]], outcomes: [.failed(.connectionFailed(path: "/s", reason: "r"))], seconds: 0)
        XCTAssertEqual(unreachable.exitStatus, .unreachable)
        XCTAssertEqual(EnqueueSummary(items: [items[0]], outcomes: [outcomes[0]], seconds: 0).exitStatus, .success)
    }
}
