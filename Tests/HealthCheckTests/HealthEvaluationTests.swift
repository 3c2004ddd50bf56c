import HealthCheck
import JSON
import PaymentModel
import XCTest

/// Every threshold's warning and critical, the signer rules, and the summary line with its
/// perfdata, judged from fixed stats without a daemon.
final class HealthEvaluationTests: XCTestCase {
    static func healthy() -> PaymentStats {
        PaymentStats(counts: [.pending: 3, .sent: 1, .completed: 998, .confirmationFailed: 2], queueDepth: 3, oldestPendingAgeSeconds: 1.5,
                     oldestSentAgeSeconds: 4, confirmationRate: 0.998, averageProcessingSeconds: 4.2, mintCounts: [.completed: 998],
                     signers: [SignerState(address: "0x1111111111111111111111111111111111111111", role: .payment, nextNonce: 5, minedNonce: 4,
                                           inFlight: 1, pausedReason: nil),
                               SignerState(address: "0x3333333333333333333333333333333333333333", role: .payment, nextNonce: 9, minedNonce: 9,
                                           inFlight: 0, pausedReason: nil),
                               SignerState(address: "0x2222222222222222222222222222222222222222", role: .mint, nextNonce: 2, minedNonce: 2,
                                           inFlight: 0, pausedReason: nil)],
                     rpcEndpoints: [RPCEndpointState(url: "http://127.0.0.1:8545", inUse: true, health: .healthy, consecutiveFailures: 0,
                                                     retryInSeconds: nil, lastError: nil)])
    }

    private func judge(_ change: (inout PaymentStats) -> Void, thresholds: HealthThresholds = HealthThresholds()) -> HealthReport {
        var stats = Self.healthy()
        change(&stats)
        return HealthEvaluation(thresholds: thresholds).evaluate(.stats(stats, raw: .null))
    }

    func testHealthyStatsAreOKWithTheSeedsFactsAndPerfdata() {
        let report = judge { _ in }
        XCTAssertEqual(report.status, .ok)
        XCTAssertEqual(report.summaryLine, "PAYMENTD OK - 0 sent > 1m00s, confirm 99.8%, queue 3 | queue_depth=3;1000;5000;0 sent_age=4s;60;300;0 "
                       + "pending_age=1.5s;120;600;0 confirmation_rate=99.8%;90:;50:;0;100 average_processing=4.2s;60;300;0 pending=3;;;0 "
                       + "processing=0;;;0 sent=1;;;0 completed=998;;;0 failed=0;;;0 confirmation_failed=2;;;0 failed_mints=0;0;10;0 "
                       + "settlements_lost=0;0;0;0 settlements_restoring=0;;;0 refunds_due=0;0;0;0 signers_paused=0;;;0 rpc_unhealthy=0;;;0")
    }

    func testEachThresholdWarnsThenGoesCritical() {
        let cases: [(String, (inout PaymentStats, Bool) -> Void, String)] = [
            ("sent_age", { s, c in s.oldestSentAgeSeconds = c ? 301 : 61 }, "oldest sent"),
            ("pending_age", { s, c in s.oldestPendingAgeSeconds = c ? 601 : 121 }, "oldest pending"),
            ("queue_depth", { s, c in s.queueDepth = c ? 5001 : 1001 }, "queue depth"),
            ("confirmation_rate", { s, c in s.confirmationRate = c ? 0.49 : 0.89 }, "confirm"),
            ("average_processing", { s, c in s.averageProcessingSeconds = c ? 301 : 61 }, "average processing"),
            ("failed_mints", { s, c in s.mintCounts[.failed] = c ? 11 : 1 }, "failed mint job"),
        ]
        for (name, change, words) in cases {
            let warning = judge { change(&$0, false) }
            XCTAssertEqual(warning.status, .warning, name)
            XCTAssertEqual(warning.checks.first { $0.name == name }?.status, .warning, name)
            XCTAssertTrue(warning.summaryLine.hasPrefix("PAYMENTD WARNING - "), warning.summaryLine)
            XCTAssertTrue(warning.summaryLine.split(separator: ";")[0].contains(words), warning.summaryLine)
            let critical = judge { change(&$0, true) }
            XCTAssertEqual(critical.status, .critical, name)
            XCTAssertTrue(critical.summaryLine.hasPrefix("PAYMENTD CRITICAL - "), critical.summaryLine)
            XCTAssertTrue(critical.summaryLine.split(separator: ";")[0].contains(words), critical.summaryLine)
        }
        XCTAssertTrue(judge { $0.oldestSentAgeSeconds = 432 }.summaryLine.hasPrefix("PAYMENTD CRITICAL - oldest sent 7m12s > 5m00s; confirm 99.8%, queue 3 |"),
                      "over the limit, the sent fact gives way to the problem")
    }

    func testALostSettlementIsCriticalAtOnce() {
        let report = judge { $0.settlementsLost = 1 }
        XCTAssertEqual(report.status, .critical)
        XCTAssertTrue(report.summaryLine.hasPrefix("PAYMENTD CRITICAL - 1 settlement lost to reorgs (payctl list --lost);"), report.summaryLine)
    }

    func testABuyerChargedAndNotServedIsCriticalAtOnceAndCountedInPerfdata() {
        XCTAssertEqual(judge { _ in }.status, .ok)
        let report = judge { $0.refundsDue = 2 }
        XCTAssertEqual(report.status, .critical)
        XCTAssertTrue(report.summaryLine.hasPrefix("PAYMENTD CRITICAL - 2 charged buyers whose mints failed and who are not refunded "
                                                   + "(payctl list --refund-due; then payctl retry-mint or payctl refund);"), report.summaryLine)
        XCTAssertTrue(report.summaryLine.contains(" refunds_due=2;0;0;0 "), report.summaryLine)
    }

    func testOnePausedSignerWarnsAllPaymentSignersOrTheMinterIsCritical() {
        let one = judge { $0.signers[0].pausedReason = "insufficient funds" }
        XCTAssertEqual(one.status, .warning)
        XCTAssertTrue(one.summaryLine.hasPrefix("PAYMENTD WARNING - signer 0x1111…1111 paused: insufficient funds;"), one.summaryLine)
        XCTAssertTrue(one.summaryLine.contains(" signers_paused=1;;;0 "))
        XCTAssertEqual(judge { $0.signers[0].pausedReason = "x"; $0.signers[1].pausedReason = "y" }.status, .critical, "nothing can be sent")
        let minter = judge { $0.signers[2].pausedReason = "insufficient funds" }
        XCTAssertEqual(minter.status, .critical, "nothing can be minted")
        XCTAssertTrue(minter.summaryLine.hasPrefix("PAYMENTD CRITICAL - minter 0x2222…2222 paused"), minter.summaryLine)
    }

    func testSignerBalanceCountsTransactionsLeftWhenTheDaemonReportsIt() {
        let unreported = judge { _ in }
        XCTAssertNil(unreported.checks.first { $0.name == "signer_balance" }, "no balance reported: no judgement, no perfdata")
        XCTAssertFalse(unreported.summaryLine.contains("signer_transactions_left"))
        func funded(_ transactions: Int) -> HealthReport {
            judge {
                $0.signers[1].balanceWei = String(transactions * 75_000_000_000_000 + 1)
                $0.signers[1].transactionCostWei = "75000000000000"
                $0.signers[0].balanceWei = "1000000000000000000000"
                $0.signers[0].transactionCostWei = "75000000000000"
            }
        }
        XCTAssertEqual(funded(5000).status, .ok)
        XCTAssertTrue(funded(5000).summaryLine.contains(" signer_transactions_left=5000;1000:;100:;0 "), funded(5000).summaryLine)
        XCTAssertEqual(funded(999).status, .warning)
        XCTAssertTrue(funded(999).summaryLine.hasPrefix("PAYMENTD WARNING - signer 0x3333…3333 can pay for 999 more transactions (< 1000);"),
                      funded(999).summaryLine)
        XCTAssertEqual(funded(99).status, .critical)
    }

    func testEndpointsFailingWarnNoneHealthyIsCritical() {
        let backup = RPCEndpointState(url: "http://10.0.0.5:8545", inUse: false, health: .backingOff, consecutiveFailures: 3, retryInSeconds: 2,
                                      lastError: "refused")
        XCTAssertEqual(judge { $0.rpcEndpoints.append(backup) }.status, .warning)
        XCTAssertEqual(judge { $0.rpcEndpoints = [backup] }.status, .critical)
    }

    func testThresholdsComeFromTheFlags() {
        var strict = HealthThresholds()
        strict.sentAgeWarning = 1
        strict.sentAgeCritical = 2
        XCTAssertEqual(judge({ _ in }, thresholds: strict).status, .critical)
        XCTAssertTrue(judge({ _ in }, thresholds: strict).summaryLine.contains(" sent_age=4s;1;2;0 "))
        var inverted = HealthThresholds()
        inverted.confirmationRateWarning = 0.4
        XCTAssertEqual(inverted.contradictions, ["--confirmation-rate-warning must not be below --confirmation-rate-critical"])
        XCTAssertEqual(HealthThresholds().contradictions, [])
    }

    func testNothingSettledYetIsNotAFailure() {
        let report = judge { $0.confirmationRate = nil; $0.averageProcessingSeconds = nil; $0.oldestSentAgeSeconds = nil }
        XCTAssertEqual(report.status, .ok)
        XCTAssertTrue(report.summaryLine.contains("confirm -"), report.summaryLine)
        XCTAssertTrue(report.summaryLine.contains(" confirmation_rate=U;90:;50:;0;100 average_processing=U;60;300;0 "), report.summaryLine)
        XCTAssertTrue(report.summaryLine.contains(" sent_age=0s;60;300;0 "))
    }

    func testADaemonDownIsCriticalAPathThatIsNotItsSocketIsUnknown() {
        let down = HealthEvaluation().evaluate(.daemonDown("There is no socket at /run/p.sock"))
        XCTAssertEqual(down.status, .critical)
        XCTAssertEqual(down.summaryLine, "PAYMENTD CRITICAL - daemon unreachable: There is no socket at /run/p.sock | up=0;;;0;1")
        let wrong = HealthEvaluation().evaluate(.undetermined("/x is a socket of the wrong type"))
        XCTAssertEqual(wrong.status, .unknown)
        XCTAssertEqual(wrong.status.exitCode, 3)
        XCTAssertEqual(wrong.summaryLine, "PAYMENTD UNKNOWN - /x is a socket of the wrong type | up=0;;;0;1")
    }

    func testTheJSONReportCarriesTheVerdictEveryCheckAndTheStats() throws {
        let report = judge { $0.queueDepth = 2000 }
        let json = report.jsonValue(rawStats: ["queue_depth": 2000], socketPath: "/s")
        XCTAssertEqual(json["status"], "warning")
        XCTAssertEqual(json["exit_code"], 1)
        XCTAssertEqual(json["stats"]?["queue_depth"], 2000)
        XCTAssertEqual(json["perfdata"]?["queue_depth"], .double(2000))
        let checks = try XCTUnwrap(json["checks"]?.arrayValue)
        XCTAssertEqual(checks.first { $0["name"] == "queue_depth" }?["status"], "warning")
        XCTAssertEqual(checks.first { $0["name"] == "queue_depth" }?["message"], "queue depth 2000 > 1000")
    }
}
