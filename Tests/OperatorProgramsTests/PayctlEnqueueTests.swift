import Foundation
import PaymentModel
import TestHarness
import XCTest

/// `payctl enqueue` from a file of a thousand payments against a real daemon: pipelined,
/// with progress (lines into a pipe, a redrawn bar with rate and ETA on a terminal), a
/// closing summary, a second run that queues nothing twice, and a bad file refused whole.
final class PayctlEnqueueTests: XCTestCase {
    func testAThousandPaymentsFromAFileShowProgressAndEndWithASummary() async throws {
        let bed = try await SharedDaemon.testbed()
        let run = UUID().uuidString.prefix(8)
        let lines = try (0..<1000).map { index in
            OperatorTestbed.fileLine(try bed.request(buyer: try bed.buyerKey(index), idempotencyKey: "file-\(run)-\(index)"))
        }
        let file = bed.workspace.directory + "/payments-\(run).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let piped = try await bed.run("payctl", ["enqueue", "--file", file, "--socket", bed.socketPath], timeout: 300)
        XCTAssertEqual(piped.status, 0, piped.description)
        XCTAssertTrue(piped.stdout.hasPrefix("enqueued 1000 payments in "), piped.stdout)
        XCTAssertTrue(piped.stdout.hasSuffix("/s): 1000 new, 0 already queued, 0 refused\n"), piped.stdout)
        let progress = piped.stderr.split(separator: "\n")
        XCTAssertEqual(progress.count, 10, "a line per tenth into a pipe: \(piped.stderr)")
        XCTAssertTrue(progress.first?.hasPrefix("progress: 100/1000  10%  ") == true, piped.stderr)
        XCTAssertTrue(progress.last?.hasPrefix("progress: 1000/1000  100%  ") == true, piped.stderr)
        XCTAssertTrue(progress.allSatisfy { $0.contains("/s  ETA ") }, "rate and ETA on every line: \(piped.stderr)")
        XCTAssertEqual(try bed.count("SELECT count(*) AS n FROM payment_queue WHERE idempotency_key LIKE 'file-\(run)-%'"), 1000)

        // Again, on a terminal: the bar redraws in place, and nothing is queued twice.
        let terminal = try await bed.runOnTerminal("payctl", ["enqueue", "--file", file, "--socket", bed.socketPath], timeout: 300)
        XCTAssertEqual(terminal.status, 0, terminal.description)
        XCTAssertTrue(terminal.stdout.contains("\r[##############################]  1000/1000  100%  "), terminal.stdout.suffix(400).description)
        XCTAssertTrue(terminal.stdout.contains("/s): 0 new, 1000 already queued, 0 refused"), terminal.stdout.suffix(400).description)
        XCTAssertEqual(try bed.count("SELECT count(*) AS n FROM payment_queue WHERE idempotency_key LIKE 'file-\(run)-%'"), 1000)

        // JSON: one result per line, in file order, the daemon's result objects exactly.
        let json = try await bed.run("payctl", ["enqueue", "--file", file, "--socket", bed.socketPath, "--json", "--progress", "none"], timeout: 300)
        XCTAssertEqual(json.status, 0, json.description)
        let results = json.stdout.split(separator: "\n")
        XCTAssertEqual(results.count, 1000)
        XCTAssertTrue(results.allSatisfy { $0.hasPrefix("{\"duplicate\":true,\"payment_id\":\"") }, String(results.first ?? ""))
        XCTAssertTrue(json.stderr.hasSuffix("0 new, 1000 already queued, 0 refused\n"), json.stderr)
    }

    func testAFileWithABadLineIsRefusedWholeAndARefusalExitsOne() async throws {
        let bed = try await SharedDaemon.testbed()
        let good = OperatorTestbed.fileLine(try bed.request(buyer: try bed.buyerKey(1)))
        let file = bed.workspace.directory + "/bad-\(UUID().uuidString.prefix(8)).jsonl"
        try "\(good)\n{\"payment\":{\"type\":\"mint\"}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try await bed.run("payctl", ["enqueue", "--file", file, "--socket", bed.socketPath])
        XCTAssertEqual(bad.status, 2, bad.description)
        XCTAssertTrue(bad.stderr.contains("has 1 line(s) that are not payments; nothing was enqueued:"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("  line 2: "), bad.stderr)
        let fromStandardInput = try await bed.run("payctl", ["enqueue", "--file", "-", "--socket", bed.socketPath],
                                                  input: "\(good)\nnot json\n")
        XCTAssertEqual(fromStandardInput.status, 2, fromStandardInput.description)
        XCTAssertTrue(fromStandardInput.stderr.contains("- has 1 line(s) that are not payments"), fromStandardInput.stderr)

        // A payment at the wrong price: the daemon refuses it, payctl says which line and why.
        var wrongPrice = try bed.request(buyer: try bed.buyerKey(2))
        wrongPrice.amount = "999"
        let refusedFile = bed.workspace.directory + "/refused-\(UUID().uuidString.prefix(8)).jsonl"
        try "\(good)\n\(OperatorTestbed.fileLine(wrongPrice))\n".write(toFile: refusedFile, atomically: true, encoding: .utf8)
        let refused = try await bed.run("payctl", ["enqueue", "--file", refusedFile, "--socket", bed.socketPath])
        XCTAssertEqual(refused.status, 1, refused.description)
        XCTAssertTrue(refused.stdout.contains(": 1 new, 0 already queued, 1 refused\n  line 2: "), refused.stdout)
    }
}
