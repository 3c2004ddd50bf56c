import Foundation
import HealthCheck
import PaymentModel
import XCTest

/// The node_exporter textfile: metric names and labels, and the atomic write.
final class PrometheusTextfileTests: XCTestCase {
    func testTheNumbersUsePrometheusNamesAndLabels() {
        var stats = HealthEvaluationTests.healthy()
        stats.signers[0].balanceWei = "750000000000000000"
        stats.signers[0].transactionCostWei = "75000000000000"
        let report = HealthEvaluation().evaluate(.stats(stats, raw: .null))
        let text = PrometheusTextfile.render(report, timestamp: 1_764_000_000)
        for line in [
            "# TYPE paymentd_up gauge", "paymentd_up 1", "paymentd_health_status 0", "paymentd_health_check_timestamp_seconds 1764000000",
            "# HELP paymentd_payments Payments per status.", "paymentd_payments{status=\"sent\"} 1",
            "paymentd_payments{status=\"confirmation_failed\"} 2", "paymentd_queue_depth 3", "paymentd_oldest_sent_age_seconds 4",
            "paymentd_oldest_pending_age_seconds 1.5", "paymentd_confirmation_rate 1", "paymentd_mint_jobs{status=\"failed\"} 0",
            "paymentd_settlements_lost 0",
            "paymentd_signer_paused{address=\"0x1111111111111111111111111111111111111111\",role=\"payment\"} 0",
            "paymentd_signer_transactions_left{address=\"0x1111111111111111111111111111111111111111\",role=\"payment\"} 10000",
            "paymentd_rpc_endpoint_healthy{url=\"http://127.0.0.1:8545\"} 1",
        ] {
            XCTAssertTrue(text.contains(line + "\n"), "missing \(line) in\n\(text)")
        }
    }

    func testADaemonDownStillWritesUpZero() {
        let text = PrometheusTextfile.render(HealthEvaluation().evaluate(.daemonDown("gone")), timestamp: 5)
        XCTAssertEqual(text, """
            # HELP paymentd_up Whether paymentd answered the health check (1) or not (0).
            # TYPE paymentd_up gauge
            paymentd_up 0
            # HELP paymentd_health_status The health check's verdict: 0 ok, 1 warning, 2 critical, 3 unknown.
            # TYPE paymentd_health_status gauge
            paymentd_health_status 2
            # HELP paymentd_health_check_timestamp_seconds When the health check ran (Unix time).
            # TYPE paymentd_health_check_timestamp_seconds gauge
            paymentd_health_check_timestamp_seconds 5

            """)
    }

    func testTheFileIsReplacedWholeAndNoTemporaryIsLeft() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/paymentd.prom"
        try TextfileWriter.write("paymentd_up 0\n", to: path)
        try TextfileWriter.write("paymentd_up 1\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "paymentd_up 1\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["paymentd.prom"])
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue, 0o644)
        XCTAssertThrowsError(try TextfileWriter.write("x", to: directory + "/missing/paymentd.prom"))
    }
}
