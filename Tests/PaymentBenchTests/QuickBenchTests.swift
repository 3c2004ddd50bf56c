import JSON
import PaymentBench
import TestHarness
import XCTest

/// The benchmark's correctness, never its speed: a `--quick` run of every scenario completes
/// and mints every payment it enqueues, and its JSON report carries every field the README's
/// table and `scripts/bench.sh` read. No timing is asserted.
final class QuickBenchTests: XCTestCase {
    func testQuickRunCompletesEveryPaymentAndItsReportCarriesEveryField() async throws {
        let bench = PaymentBench(options: .quick, command: "paymentd-bench --quick") { _ in }
        let report = try await bench.run()
        XCTAssertEqual(report.errors, [], "every scenario ran")

        for run in report.runs where !run.name.hasPrefix("enqueue-") {
            XCTAssertTrue(run.allCompleted, "\(run.name): \(run.completed)/\(run.payments) completed, \(run.minted) minted, "
                          + "\(run.enqueueFailures) refused")
            XCTAssertEqual(run.failed, 0, run.name)
        }
        for run in report.enqueue {
            XCTAssertEqual(run.enqueued, run.payments, "\(run.name): every enqueue acknowledged")
        }
        XCTAssertEqual(report.ceiling?.refused, 0)
        XCTAssertEqual(report.ceiling?.reverted, 0)
        XCTAssertEqual(report.stats.map(\.rows), BenchOptions.quick.statsRows)

        let json = try StrictJSONParser.parse(JSONWriter.bytes(report.json))
        for key in BenchReport.requiredKeys { XCTAssertNotNil(json[key], "report key \(key)") }
        for key in ["cpu_model", "cores", "memory_bytes", "os", "kernel", "swift_version", "git_commit"] {
            XCTAssertNotNil(json["machine"]?[key], "machine key \(key)")
        }
        for key in ["per_minute", "mean_per_block", "blocks_per_minute", "transactions"] {
            XCTAssertNotNil(json["ceiling"]?[key], "ceiling key \(key)")
        }
        let run = try XCTUnwrap(json["throughput"]?.arrayValue?.first)
        for key in ["payments_per_minute", "ceiling_fraction", "enqueue_latency", "enqueue_to_sent", "enqueue_to_completed", "cost"] {
            XCTAssertNotNil(run[key], "throughput key \(key)")
            XCTAssertNotEqual(run[key], .null, "throughput \(key) has a value")
        }
        for key in ["daemon_cpu_seconds_per_1000_payments", "peak_rss_bytes", "statements_per_payment", "rpc_requests_per_payment"] {
            XCTAssertNotNil(run["cost"]?[key], "cost key \(key)")
        }
        XCTAssertNotEqual(json["seed"]?["ratio"], .null, "the seed comparison has a ratio")
        // The x402 SDK's facilitator settled every payment it was given, each run its thread count.
        XCTAssertEqual(report.peer.map(\.threads), BenchOptions.quick.peerThreads)
        for (run, payments) in zip(report.peer, BenchOptions.quick.peerPayments) {
            XCTAssertEqual(run.total, payments)
            XCTAssertEqual(run.settled, payments, "peer with \(run.threads) threads: \(run.failures)")
        }
        XCTAssertNotEqual(json["peer"]?["ours_over_best"], .null, "the peer comparison has a multiple")
        XCTAssertFalse(report.table.isEmpty)
    }

    func testPercentilesAreNearestRank() {
        let summary = LatencySummary(milliseconds: (1...1000).map(Double.init))
        XCTAssertEqual(summary?.p50, 500)
        XCTAssertEqual(summary?.p99, 990)
        XCTAssertEqual(summary?.p999, 999)
        XCTAssertEqual(summary?.max, 1000)
        XCTAssertNil(LatencySummary(milliseconds: []))
    }
}
