import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import PaymentModel
import TestHarness
import XCTest

/// payctl's outputs against a real daemon: the table into a pipe (plain, full values, fields
/// that split the same on every line), the same on a terminal (colours, short hashes, and
/// none with NO_COLOR), `--json` equal to what the protocol returns, the detail and stats
/// views, watch as event lines, and the exit statuses of refusals and usage errors.
final class PayctlOutputTests: XCTestCase {
    /// Three payments of this test, settled and minted; their ids, newest first.
    private func settledPayments(_ bed: OperatorTestbed) async throws -> [String] {
        let client = bed.client()
        // One through payctl's flags, the way an operator replays a single payment by hand.
        let first = try bed.request(buyer: try bed.buyerKey(3), idempotencyKey: "flags-\(UUID().uuidString.prefix(8))")
        let flags = ["enqueue", "--socket", bed.socketPath, "--token", first.token ?? "", "--payment-token", first.paymentToken,
                     "--amount", first.amount, "--quantity", "1", "--recipient", first.authorization.from,
                     "--idempotency-key", first.idempotencyKey ?? "", "--authorization", JSONWriter.string(first.authorization.wireValue)]
        let queued = try await bed.run("payctl", flags)
        XCTAssertEqual(queued.status, 0, queued.description)
        XCTAssertTrue(queued.stdout.hasPrefix("queued: payment "), queued.stdout)
        let again = try await bed.run("payctl", flags)
        XCTAssertTrue(again.stdout.hasPrefix("already queued: payment "), again.stdout)
        var ids = [String(queued.stdout.dropFirst("queued: payment ".count).prefix(36))]
        for index in 4..<6 { ids.append(try await client.enqueue(try bed.request(buyer: try bed.buyerKey(index))).paymentID) }
        for id in ids {
            try await bed.wait("payment \(id) settled and minted") {
                let payment = try await client.status(paymentID: id)
                return payment.status == .completed && !payment.mints.isEmpty && payment.mints.allSatisfy { $0.status == .completed }
            }
        }
        await client.close()
        return ids.reversed()
    }

    func testTablesJSONAndTerminalOutputOfListStatusAndStats() async throws {
        let bed = try await SharedDaemon.testbed()
        let ids = try await settledPayments(bed)
        let client = bed.client()
        let socket = ["--socket", bed.socketPath]
        let payer = try bed.buyerKey(4).address.checksummed

        // list into a pipe: a header of single words, then one line per payment, every line the same fields.
        let piped = try await bed.run("payctl", ["list", "--payer", payer, "--limit", "1"] + socket)
        XCTAssertEqual(piped.status, 0, piped.description)
        let rows = piped.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.first, ["ID", "STATUS", "AGE", "USDC", "PAYER", "TX"])
        XCTAssertEqual(rows.count, 2)
        let row = rows[1]
        XCTAssertEqual(row[0], ids[1])
        XCTAssertEqual(row[1], "completed")
        XCTAssertEqual(row[3], "0.001")
        XCTAssertEqual(row[4], payer)
        XCTAssertEqual(row[5].count, 66, "the full transaction hash")
        XCTAssertFalse(piped.stdout.contains("\u{1B}"), "no colour into a pipe")

        let atomic = try await bed.run("payctl", ["list", "--payer", payer, "--limit", "1", "--atomic"] + socket)
        XCTAssertEqual(atomic.stdout.split(separator: "\n").map { $0.split(separator: " ").count }, [7, 7])
        XCTAssertTrue(atomic.stdout.contains("  0.001    1000  "), atomic.stdout)

        // --json: the protocol's payment objects exactly, one per line.
        let json = try await bed.run("payctl", ["list", "--payer", payer, "--limit", "1", "--json"] + socket)
        let expected = try await client.send(.list(PaymentListFilter(payer: payer, limit: 1)))
        XCTAssertEqual(json.stdout, (expected["payments"]?.arrayValue ?? []).map { JSONWriter.string($0) + "\n" }.joined())

        // On a terminal: coloured statuses and short hashes; NO_COLOR keeps the terminal plain.
        let terminal = try await bed.runOnTerminal("payctl", ["list", "--payer", payer, "--limit", "1"] + socket)
        XCTAssertTrue(terminal.stdout.contains("\u{1B}[32mcompleted\u{1B}[0m"), terminal.stdout)
        XCTAssertTrue(terminal.stdout.contains(String(payer.prefix(6)) + "…" + String(payer.suffix(4))), terminal.stdout)
        let noColor = try await bed.runOnTerminal("payctl", ["list", "--payer", payer, "--limit", "1"] + socket,
                                                  environment: OperatorTestbed.environment(["TERM": "xterm", "NO_COLOR": "1"]))
        XCTAssertFalse(noColor.stdout.contains("\u{1B}["), noColor.stdout)
        XCTAssertTrue(noColor.stdout.contains("completed"), noColor.stdout)

        // status: every field, the mint jobs; --json is the protocol's object.
        let status = try await bed.run("payctl", ["status", ids[0]] + socket)
        XCTAssertEqual(status.status, 0, status.description)
        let lines = status.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first?.split(separator: " ").map(String.init), ["payment", ids[0]])
        for (key, value) in [("status", "completed"), ("type", "mint"), ("amount", "0.001 USDC"), ("payer", try bed.buyerKey(5).address.checksummed),
                             ("token", try bed.mintToken.checksummed)] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(key + " ") && $0.hasSuffix(" " + value) }, "\(key) \(value) in\n\(status.stdout)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("MINT  STATUS     RECIPIENT") }, status.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("   0  completed  0x") }, status.stdout)
        let statusJSON = try await bed.run("payctl", ["status", ids[0], "--json"] + socket)
        let statusResult = try await client.send(.status(paymentID: ids[0]))
        XCTAssertEqual(statusJSON.stdout, JSONWriter.string(statusResult) + "\n")

        // stats for people and for scripts.
        let stats = try await bed.run("payctl", ["stats"] + socket)
        XCTAssertTrue(stats.stdout.hasPrefix("payments     pending "), stats.stdout)
        XCTAssertTrue(stats.stdout.contains("\nSIGNER  ") && stats.stdout.contains("\nRPC ENDPOINT  "), stats.stdout)
        let statsJSON = try StrictJSONParser.parse(try await bed.run("payctl", ["stats", "--json"] + socket).stdout.trimmingCharacters(in: .newlines))
        XCTAssertNotNil(statsJSON["counts"]?["completed"]?.intValue)
        XCTAssertNotNil(statsJSON["nonceState"], "the replaced system's shape comes along, as the daemon sent it")

        // prices, settings, version.
        let prices = try await bed.run("payctl", ["prices", "--atomic"] + socket)
        XCTAssertEqual(prices.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) },
                       [["TYPE", "TOKEN", "PAYMENT_TOKEN", "UNIT_USDC", "ATOMIC", "MAX_QUANTITY", "SOURCE"],
                        ["mint", try bed.mintToken.checksummed, try bed.usdc.checksummed, "0.001", "1000", "10", "configuration"]])
        let settings = try await bed.run("payctl", ["settings", "get", "--json"] + socket)
        let keys = try settings.stdout.split(separator: "\n").map { try StrictJSONParser.parse(String($0))["key"]?.stringValue ?? "" }
        XCTAssertTrue(keys.contains("payment_batch_size"), settings.stdout)
        let version = try await bed.run("payctl", ["version"] + socket)
        XCTAssertTrue(version.stdout.hasSuffix(", protocol 1\n"), version.stdout)
        await client.close()
    }

    func testRefusalsNotFoundAndUsageHaveTheirExitStatuses() async throws {
        let bed = try await SharedDaemon.testbed()
        let socket = ["--socket", bed.socketPath]
        let unknown = try await bed.run("payctl", ["status", "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55"] + socket)
        XCTAssertEqual(unknown.status, 4, unknown.description)
        XCTAssertTrue(unknown.stderr.hasPrefix("payctl: not_found: "), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("\n  Check the id: `payctl list`"), unknown.stderr)

        let client = bed.client()
        let payment = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(7)))
        try await bed.wait("the payment left pending") { try await client.status(paymentID: payment.paymentID).status != .pending }
        let cancel = try await bed.run("payctl", ["cancel", payment.paymentID] + socket)
        XCTAssertEqual(cancel.status, 1, cancel.description)
        XCTAssertTrue(cancel.stderr.hasPrefix("payctl: invalid_transition: "), cancel.stderr)
        let badSetting = try await bed.run("payctl", ["settings", "set", "payment_batch_size", "-1"] + socket)
        XCTAssertEqual(badSetting.status, 1, badSetting.description)
        XCTAssertTrue(badSetting.stderr.contains("`payctl settings get` lists every key"), badSetting.stderr)
        await client.close()

        for usage in [["list", "--status", "lost"], ["list", "--limit", "0"], ["status", "not-an-id"], ["frobnicate"], ["list", "--older-than", "soon"]] {
            let result = try await bed.run("payctl", usage + socket)
            XCTAssertEqual(result.status, 2, "\(usage): \(result.description)")
            XCTAssertEqual(result.stdout, "")
        }
        let help = try await bed.run("payctl", ["list", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("payctl list --status sent --older-than 5m"), "help teaches with an example")
        let completion = try await bed.run("payctl", ["--generate-completion-script", "bash"])
        XCTAssertEqual(completion.status, 0, completion.description)
        XCTAssertTrue(completion.stdout.contains("_payctl"), String(completion.stdout.prefix(200)))
    }

    func testWatchWritesOneLinePerEventIntoAPipe() async throws {
        let bed = try await SharedDaemon.testbed()
        let client = bed.client()
        let request = try bed.request(buyer: try bed.buyerKey(0))
        // The payment's id is the daemon's, known only after enqueue: watch everything, then pick its lines.
        let output = bed.workspace.directory + "/watch-\(UUID().uuidString.prefix(8)).log"
        let jsonOutput = output + ".json"
        let plain = try ChildProcess.spawn(try OperatorTestbed.binary("payctl"), ["watch", "--socket", bed.socketPath],
                                           environment: OperatorTestbed.environment(), stdout: .file(output))
        let json = try ChildProcess.spawn(try OperatorTestbed.binary("payctl"), ["watch", "--json", "--socket", bed.socketPath],
                                          environment: OperatorTestbed.environment(), stdout: .file(jsonOutput))
        // payctl prints nothing before the daemon acknowledged the watch, and nothing else says
        // when it has: wait until both have printed an event. A probe payment whose transaction
        // runs out of gas (no simulation, no retries) gives them events (it is retried until
        // both printed one, should they have subscribed after its first); it ends
        // `confirmation_failed`, its authorization never used.
        let settings = Dictionary(try await client.settings().map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let revert = [("transfer_gas_limit", "55000"), ("simulate_before_send", "false"), ("revert_retries", "0")]
        for (key, value) in revert { _ = try await client.updateSetting(key: key, value: value) }
        let probe = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(0))).paymentID
        try await bed.wait("both watchers to print an event of the probe payment", seconds: 60) {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let jsonText = (try? String(contentsOfFile: jsonOutput, encoding: .utf8)) ?? ""
            if text.contains(probe), jsonText.contains(probe) { return true }
            if try await client.status(paymentID: probe).status == .confirmationFailed {
                _ = try? await client.retry(paymentID: probe)
            }
            return false
        }
        try await bed.wait("the probe payment's last transaction reverted") {
            try await client.status(paymentID: probe).status == .confirmationFailed
        }
        for (key, fallback) in [("transfer_gas_limit", "150000"), ("simulate_before_send", "true"), ("revert_retries", "2")] {
            _ = try await client.updateSetting(key: key, value: settings[key] ?? fallback)
        }
        let id = try await client.enqueue(request).paymentID
        try await bed.wait("the watchers saw the payment complete") {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let jsonText = (try? String(contentsOfFile: jsonOutput, encoding: .utf8)) ?? ""
            return text.contains("  \(id)  completed  0x") && jsonText.contains("\"payment_id\":\"\(id)\",\"status\":\"completed\"")
        }
        plain.kill()
        json.kill()
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").filter { $0.contains(id) }
        let statuses = lines.map { $0.split(separator: " ").map(String.init)[2] }
        XCTAssertEqual(statuses.last, "completed", "\(lines)")
        XCTAssertLessThan(try XCTUnwrap(statuses.firstIndex(of: "sent")), statuses.count - 1, "sent before completed: \(lines)")
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            XCTAssertNotNil(RFC3339Time.parse(fields[0]), String(line))
            XCTAssertEqual(fields[1], id)
        }
        for line in try String(contentsOfFile: jsonOutput, encoding: .utf8).split(separator: "\n") {
            let event = try StrictJSONParser.parse(String(line))
            XCTAssertEqual(event["event"], "payment")
            XCTAssertNil(event["id"], "the watch request's id is the connection's business")
        }
        await client.close()
    }

    func testWatchOnATerminalIsALiveView() async throws {
        let bed = try await SharedDaemon.testbed()
        // The view redraws until interrupted; `timeout` sends the Ctrl-C a person would.
        let live = try await BlockingWork.run {
            try ChildProcess.run("/usr/bin/script", ["-qfec", "timeout -s INT 3 \(try OperatorTestbed.binary("payctl")) watch --socket \(bed.socketPath)",
                                                     "/dev/null"], environment: OperatorTestbed.environment(["TERM": "xterm"]), timeoutSeconds: 60)
        }
        XCTAssertTrue(live.stdout.contains("\u{1B}[H\u{1B}[2J"), "the screen is redrawn: \(live.stdout.prefix(300))")
        for part in ["paymentd watch", "last minute", "queue         depth ", "SIGNER", "last events"] {
            XCTAssertTrue(live.stdout.contains(part), "\(part) in \(live.stdout.suffix(1500))")
        }
    }
}
