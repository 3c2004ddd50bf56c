import JSON
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest

final class ServerPipeliningTests: XCTestCase {
    private let first = "00000000-0000-4000-8000-000000000001"
    private let second = "00000000-0000-4000-8000-000000000002"

    func testPipelinedResponsesComeInRequestOrderWhenTheServiceAnswersOutOfOrder() async throws {
        let harness = try await ServerHarness.start()
        await harness.service.insert(ProtocolSample.snapshot(id: first))
        await harness.service.insert(ProtocolSample.snapshot(id: second))
        await harness.service.delay(paymentID: first, by: .milliseconds(400))
        let client = try harness.rawClient()
        let lines = #"{"id":1,"cmd":"status","payment_id":"\#(first)"}"# + "\n" + #"{"id":2,"cmd":"status","payment_id":"\#(second)"}"# + "\n"
            + #"{"id":3,"cmd":"ping"}"# + "\n" + "version\n"
        let responses = try await BlockingWork.run {
            try client.send(Array(lines.utf8))
            return try (0..<4).map { _ in try client.readJSON() }
        }
        XCTAssertEqual(responses.map { $0?["id"] }, [1, 2, 3, .null])
        XCTAssertEqual(responses[0]?["result"]?["payment_id"], .string(first))
        XCTAssertEqual(responses[1]?["result"]?["payment_id"], .string(second))
        XCTAssertEqual(responses[2]?["result"], ["pong": true])
        let finished = await harness.service.finishedStatusCalls
        XCTAssertEqual(finished, [second, first], "the service must really have answered out of order")
        let concurrent = await harness.service.maximumConcurrentCalls
        XCTAssertGreaterThanOrEqual(concurrent, 2, "reads on one connection run concurrently")
        await harness.stop()
    }

    func testAStateChangeIsNotOvertakenByALaterReadOnTheSameConnection() async throws {
        let harness = try await ServerHarness.start()
        await harness.service.insert(ProtocolSample.snapshot(id: first, status: .pending))
        await harness.service.delay(paymentID: first, by: .milliseconds(200))
        let client = try harness.rawClient()
        let lines = "cancel \(first)\nstatus \(first)\n"
        let responses = try await BlockingWork.run {
            try client.send(Array(lines.utf8))
            return try (0..<2).map { _ in try client.readJSON() }
        }
        XCTAssertEqual(responses[0]?["result"]?["status"], "failed")
        XCTAssertEqual(responses[1]?["result"]?["status"], "failed", "status ran before the cancel it follows")
        await harness.stop()
    }

    func testBareWordsWorkAndAnswerWithANullID() async throws {
        let harness = try await ServerHarness.start()
        let client = try harness.rawClient()
        let stats = try await BlockingWork.run { try client.exchange("stats") }
        XCTAssertEqual(stats["id"], .null)
        XCTAssertEqual(stats["ok"], true)
        XCTAssertEqual(stats["result"]?["counts"]?["pending"], 0)
        XCTAssertEqual(stats["result"]?["pending"], 0)
        XCTAssertEqual(stats["result"]?["nonceState"]?["currentNonce"], 7)
        await harness.stop()
    }

    func testEveryKindOfBadLineGetsItsErrorAndTheConnectionKeepsServing() async throws {
        let harness = try await ServerHarness.start()
        let client = try harness.rawClient()
        let cases: [(String, String, JSONValue)] = [
            (#"{"id":1,"cmd":"ping""#, "malformed_json", .null),
            ("[1,2,3]", "invalid_request", .null),
            (#"{"id":2}"#, "invalid_request", 2),
            (#"{"id":3,"cmd":"fly"}"#, "unknown_command", 3),
            (#"{"id":4,"cmd":"status","payment_id":"x"}"#, "invalid_arguments", 4),
            (#"{"id":5,"cmd":"list","limit":"ten"}"#, "invalid_arguments", 5),
            (#"{"id":6,"cmd":"enqueue","payment":{"type":"mint","payment_token":"0x3","amount":7}}"#, "invalid_arguments", 6),
            (#"{"id":7,"cmd":"status","payment_id":"00000000-0000-4000-8000-00000000abcd"}"#, "not_found", 7),
            ("frobnicate", "unknown_command", .null),
        ]
        let responses = try await BlockingWork.run {
            try cases.map { try client.exchange($0.0) } + [try client.exchange(#"{"id":"after","cmd":"ping"}"#)]
        }
        for (index, (line, code, id)) in cases.enumerated() {
            XCTAssertEqual(responses[index]["ok"], false, line)
            XCTAssertEqual(responses[index]["error"]?["code"], .string(code), line)
            XCTAssertEqual(responses[index]["id"], id, line)
            XCTAssertNotNil(responses[index]["error"]?["message"]?.stringValue, line)
        }
        XCTAssertEqual(responses[6]["error"]?["field"], "payment.amount")
        XCTAssertEqual(responses.last?["result"], ["pong": true])
        await harness.stop()
    }

    func testAnOversizedLineGetsLineTooLongThenTheConnectionIsClosedAndOthersAreUnaffected() async throws {
        let harness = try await ServerHarness.start()
        let client = try harness.rawClient()
        let other = try harness.rawClient()
        let (answer, rest) = try await BlockingWork.run {
            try client.send(Array(repeating: UInt8(ascii: "x"), count: 70_000) + Array("\nping\n".utf8))
            return (try client.readJSON(), try client.readUntilClosed())
        }
        XCTAssertEqual(answer?["error"]?["code"], "line_too_long")
        XCTAssertEqual(answer?["id"], .null)
        XCTAssertEqual(rest, [], "nothing may be answered after framing is lost")
        let pong = try await BlockingWork.run { try other.exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true])
        await harness.stop()
    }

    func testALineOfExactly64KiBIncludingTheNewlineIsServed() async throws {
        let harness = try await ServerHarness.start()
        let client = try harness.rawClient()
        let prefix = #"{"id":"big","cmd":"ping","pad":""#
        let suffix = #""}"#
        let line = prefix + String(repeating: "p", count: 65_535 - prefix.utf8.count - suffix.utf8.count) + suffix
        XCTAssertEqual(line.utf8.count + 1, 65_536)
        let response = try await BlockingWork.run { try client.exchange(line) }
        XCTAssertEqual(response["id"], "big")
        XCTAssertEqual(response["result"], ["pong": true])
        await harness.stop()
    }
}
