import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `paymentd-health` as Nagios, a systemd timer or node_exporter runs it, against a real
/// daemon: OK on a healthy one, each threshold's WARNING and CRITICAL on the state the daemon
/// reports, a paused signer, the daemon down, and a socket that is not paymentd's — each
/// with its summary line, perfdata and exit status.
final class HealthProgramTests: XCTestCase {
    private func health(_ bed: OperatorTestbed, _ arguments: [String] = []) async throws -> ChildProcess.Result {
        try await bed.run("paymentd-health", ["--socket", bed.socketPath] + arguments)
    }

    private func assertVerdict(_ result: ChildProcess.Result, _ status: Int32, _ prefix: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, result.description, file: file, line: line)
        XCTAssertTrue(result.stdout.hasPrefix(prefix), "expected '\(prefix)…', got \(result.stdout)", file: file, line: line)
        XCTAssertEqual(result.stdout.filter { $0 == "\n" }.count, 1, "one summary line", file: file, line: line)
    }

    func testEveryThresholdOfARealDaemonWarnsThenGoesCritical() async throws {
        let bed = try await OperatorTestbed()
        let daemon = try await bed.startDaemon()
        addTeardownBlock { await daemon.terminate() }
        // Three real payments, settled on the devchain: a confirmation rate and an average to judge.
        let client = bed.client()
        for index in 0..<3 { _ = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(index))) }
        try await bed.wait("three payments completed") {
            try await client.list(PaymentListFilter(status: .completed)).count == 3
        }

        let ok = try await health(bed)
        assertVerdict(ok, 0, "PAYMENTD OK - 0 sent > 1m00s, confirm 100.0%, queue 0 | queue_depth=0;1000;5000;0 sent_age=0s;60;300;0 pending_age=0s;120;600;0 "
                      + "confirmation_rate=100%;90:;50:;0;100 average_processing=")
        for datum in ["completed=3;;;0", "failed_mints=0;0;10;0", "settlements_lost=0;0;0;0", "signers_paused=0;;;0", "rpc_unhealthy=0;;;0"] {
            XCTAssertTrue(ok.stdout.contains(" \(datum)"), "perfdata \(datum) in \(ok.stdout)")
        }

        // The signers' balances as the daemon reads them from the chain: plenty at the default
        // thresholds (above), WARNING and CRITICAL once the thresholds ask for more transactions
        // than the devchain's funding pays for. Before the engine filled balance_wei this check
        // could never fire against a real daemon.
        XCTAssertTrue(ok.stdout.contains(" signer_transactions_left="), "balances reported: \(ok.stdout)")
        let poorWarning = try await health(bed, ["--balance-transactions-warning", "1000000000000000", "--balance-transactions-critical", "1"])
        assertVerdict(poorWarning, 1, "PAYMENTD WARNING - ")
        XCTAssertTrue(poorWarning.stdout.contains("more transactions (< 1000000000000000)"), poorWarning.stdout)
        let poorCritical = try await health(bed, ["--balance-transactions-warning", "2000000000000000", "--balance-transactions-critical", "1000000000000000"])
        assertVerdict(poorCritical, 2, "PAYMENTD CRITICAL - ")

        // Each threshold, by putting the daemon's tables in the state it reports.
        let steps: [(name: String, warning: [String], critical: [String], flags: [String], words: String)] = [
            ("sent age", [LegacyRows.payment(1, status: "sent", createdSecondsAgo: 100, processedSecondsAgo: 90)],
             [LegacyRows.payment(2, status: "sent", createdSecondsAgo: 420, processedSecondsAgo: 400)], [], "oldest sent "),
            ("pending age", [LegacyRows.payment(1, status: "pending", createdSecondsAgo: 150, processedSecondsAgo: nil)],
             [LegacyRows.payment(2, status: "pending", createdSecondsAgo: 700, processedSecondsAgo: nil)], [], "oldest pending "),
            ("queue depth", [LegacyRows.payment(1, status: "pending", createdSecondsAgo: 0, processedSecondsAgo: nil)],
             (2...3).map { LegacyRows.payment($0, status: "pending", createdSecondsAgo: 0, processedSecondsAgo: nil) },
             ["--queue-depth-warning", "0", "--queue-depth-critical", "2"], "queue depth "),
            ("confirmation rate", [LegacyRows.payment(1, status: "confirmation_failed", createdSecondsAgo: 60, processedSecondsAgo: 50)],
             (2...4).map { LegacyRows.payment($0, status: "confirmation_failed", createdSecondsAgo: 60, processedSecondsAgo: 50) }, [], "confirm "),
            ("average processing", (1...3).map { LegacyRows.payment($0, status: "completed", createdSecondsAgo: 200, processedSecondsAgo: 0) },
             (4...9).map { LegacyRows.payment($0, status: "completed", createdSecondsAgo: 3000, processedSecondsAgo: 0) }, [], "average processing "),
            ("failed mints", [LegacyRows.failedMintJobs(1)], [LegacyRows.failedMintJobs(10, first: 2)], [], "failed mint job"),
            ("settlements lost", [],
             [LegacyRows.payment(1, status: "completed", createdSecondsAgo: 60, processedSecondsAgo: 50, extra: "'gone in a test reorg', now()")],
             ["--settlements-lost-warning", "0", "--settlements-lost-critical", "0"], "1 settlement lost to reorgs"),
        ]
        for step in steps {
            if !step.warning.isEmpty {
                try bed.sql(step.warning.joined(separator: "\n"))
                let warning = try await health(bed, step.flags)
                assertVerdict(warning, 1, "PAYMENTD WARNING - ")
                XCTAssertTrue(warning.stdout.split(separator: "|")[0].contains(step.words), "\(step.name): \(warning.stdout)")
            }
            try bed.sql(step.critical.joined(separator: "\n"))
            let critical = try await health(bed, step.flags)
            assertVerdict(critical, 2, "PAYMENTD CRITICAL - ")
            XCTAssertTrue(critical.stdout.split(separator: "|")[0].contains(step.words), "\(step.name): \(critical.stdout)")
            try bed.sql(LegacyRows.removeAll)
        }
        let sentCritical = try await { () async throws -> ChildProcess.Result in
            try bed.sql(LegacyRows.payment(1, status: "sent", createdSecondsAgo: 440, processedSecondsAgo: 432))
            defer { try? bed.sql(LegacyRows.removeAll) }
            return try await self.health(bed)
        }()
        XCTAssertTrue(sentCritical.stdout.hasPrefix("PAYMENTD CRITICAL - oldest sent 7m1"), sentCritical.stdout)
        XCTAssertTrue(sentCritical.stdout.contains(" > 5m00s; confirm 100.0%, queue 0 | queue_depth=0;1000;5000;0 sent_age=43"), sentCritical.stdout)

        // The signer balance is judged when the daemon reports balances (an engine change asked
        // for); until then the check says nothing rather than guessing.
        let stats = try await client.stats()
        let reported = stats.signers.allSatisfy { $0.balanceWei != nil && $0.transactionCostWei != nil }
        let balance = try await health(bed, ["--balance-transactions-warning", "1000000000000000", "--balance-transactions-critical", "1"])
        if reported {
            assertVerdict(balance, 1, "PAYMENTD WARNING - signer ")
            XCTAssertTrue(balance.stdout.contains(" signer_transactions_left="), balance.stdout)
        } else {
            assertVerdict(balance, 0, "PAYMENTD OK - ")
            XCTAssertFalse(balance.stdout.contains("signer_transactions_left"), balance.stdout)
        }

        // --json for machines, --prometheus for node_exporter, the same verdict.
        let textfile = bed.workspace.directory + "/paymentd.prom"
        let json = try await health(bed, ["--json", "--prometheus", textfile])
        XCTAssertEqual(json.status, 0, json.description)
        let report = try StrictJSONParser.parse(json.stdout.trimmingCharacters(in: .newlines))
        XCTAssertEqual(report["status"], "ok")
        XCTAssertEqual(report["exit_code"], 0)
        XCTAssertEqual(report["stats"]?["counts"]?["completed"], 3, "the daemon's stats as it sent them")
        let prom = try String(contentsOfFile: textfile, encoding: .utf8)
        for line in ["paymentd_up 1", "paymentd_health_status 0", "paymentd_payments{status=\"completed\"} 3", "paymentd_queue_depth 0",
                     "paymentd_oldest_sent_age_seconds 0", "paymentd_confirmation_rate 1"] {
            XCTAssertTrue(prom.contains(line + "\n"), "\(line) in\n\(prom)")
        }
        // PAYMENTD_SOCKET is how a unit points the check elsewhere; the flag still wins.
        let fromEnvironment = try await bed.run("paymentd-health", [], environment: OperatorTestbed.environment(["PAYMENTD_SOCKET": bed.socketPath]))
        XCTAssertEqual(fromEnvironment.status, 0, fromEnvironment.description)
        let flagWins = try await bed.run("paymentd-health", ["--socket", bed.socketPath + ".nope"],
                                         environment: OperatorTestbed.environment(["PAYMENTD_SOCKET": bed.socketPath]))
        XCTAssertEqual(flagWins.status, 2, flagWins.description)
        await client.close()
    }

    func testAPausedSignerIsCriticalAndAStoppedDaemonIsCriticalToo() async throws {
        let bed = try await OperatorTestbed()
        // The only payment signer has no ETH: its first broadcast is refused for funds and it pauses.
        let poor = "0x" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 1...200)) }.joined()
        let keyPath = try bed.workspace.writeSecret(poor + "\n", named: "poor-signer.key")
        let config = try bed.workspace.writeConfig(named: "poor.conf", overrides: ["signer_key_files": keyPath])
        let daemon = try await bed.startDaemon(.init(arguments: ["--config", config]))
        addTeardownBlock { await daemon.terminate() }
        let client = bed.client()
        _ = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(6)))
        try await bed.wait("the signer paused") {
            try await client.stats().signers.contains { $0.role == .payment && $0.pausedReason != nil }
        }
        let paused = try await health(bed)
        assertVerdict(paused, 2, "PAYMENTD CRITICAL - signer 0x")
        XCTAssertTrue(paused.stdout.split(separator: "|")[0].contains(" paused: "), paused.stdout)
        XCTAssertTrue(paused.stdout.contains(" signers_paused=1;;;0 "), paused.stdout)
        let stats = try await bed.run("payctl", ["stats", "--socket", bed.socketPath])
        XCTAssertEqual(stats.status, 0, stats.description)
        XCTAssertTrue(stats.stdout.contains("paused: "), stats.stdout)
        await client.close()

        // Stopped through payctl: the socket file goes with the daemon.
        let stop = try await bed.run("payctl", ["stop", "--socket", bed.socketPath])
        XCTAssertEqual(stop.stdout, "paymentd is stopping (it drains in-flight work, then exits)\n", stop.description)
        let exitStatus = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(exitStatus, 0)
        let down = try await health(bed)
        assertVerdict(down, 2, "PAYMENTD CRITICAL - daemon unreachable: There is no socket at \(bed.socketPath)")
        XCTAssertTrue(down.stdout.hasSuffix(" | up=0;;;0;1\n"), down.stdout)
        let ping = try await bed.run("payctl", ["ping", "--socket", bed.socketPath])
        XCTAssertEqual(ping.status, 3, ping.description)
        XCTAssertEqual(ping.stdout, "")
        XCTAssertTrue(ping.stderr.hasPrefix("payctl: daemon_unreachable: There is no socket at \(bed.socketPath)"), ping.stderr)
        XCTAssertTrue(ping.stderr.contains("systemctl status paymentd"), ping.stderr)
    }

    func testASocketOfTheWrongTypeIsUnknownNotADaemonDown() async throws {
        let bed = try await OperatorTestbed()
        // The daemon's own notify socket is a datagram socket: a classic wrong --socket.
        let daemon = try await bed.startDaemon()
        addTeardownBlock { await daemon.terminate() }
        let notify = daemon.notifications.path
        let wrong = try await bed.run("paymentd-health", ["--socket", notify])
        assertVerdict(wrong, 3, "PAYMENTD UNKNOWN - \(notify) is a socket of the wrong type (not a stream socket)")
        let payctl = try await bed.run("payctl", ["stats", "--socket", notify])
        XCTAssertEqual(payctl.status, 3, payctl.description)
        XCTAssertTrue(payctl.stderr.contains("is a socket of the wrong type"), payctl.stderr)
        let notASocket = try await bed.run("paymentd-health", ["--socket", bed.workspace.configPath, "--json"])
        XCTAssertEqual(notASocket.status, 3, notASocket.description)
        let report = try StrictJSONParser.parse(notASocket.stdout.trimmingCharacters(in: .newlines))
        XCTAssertEqual(report["status"], "unknown")
        XCTAssertEqual(report["failure"]?.stringValue, "\(bed.workspace.configPath) is a regular file, not a socket: pass the daemon's socket_path with --socket.")
        let usage = try await bed.run("paymentd-health", ["--sent-age-warning", "soon"])
        XCTAssertEqual(usage.status, 3, "a check that cannot parse its arguments is UNKNOWN")
        XCTAssertTrue(usage.stdout.hasPrefix("PAYMENTD UNKNOWN - "), usage.stdout)
    }
}
