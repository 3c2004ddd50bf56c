import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// A request that meets a database session which died under it (PostgreSQL restarted, or an
/// administrator ended the backend) reconnects and retries once where that is safe, and is
/// refused only when the database is still away, with a code and words a client can act on
/// (issue 8, item 10).
final class DatabaseReconnectTests: XCTestCase {
    /// Pins: every session of the request pool dead (backends terminated, server up) → the next
    /// reads and enqueues reconnect and succeed. Before the fix each pooled session refused
    /// its first request with the dead connection's error.
    func testRequestsOnSessionsWhoseBackendsWereTerminatedReconnectAndSucceed() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        // Touch every pooled session so each holds an open connection.
        for _ in 0..<8 { _ = try await testbed.engine.stats() }
        let terminated = try terminateEngineBackends(testbed)
        XCTAssertGreaterThanOrEqual(terminated, 4, "the request pool's sessions were connected")

        var failures: [String] = []
        for index in 0..<8 {
            do throws(PaymentError) {
                _ = try await testbed.engine.stats()
                _ = try await testbed.engine.list(PaymentListFilter(limit: 5))
            } catch {
                failures.append("read \(index): \(error.code): \(error.description)")
            }
        }
        _ = try terminateEngineBackends(testbed)
        for index in 0..<8 {
            let request = try testbed.request(buyer: try testbed.buyerKey(index), idempotencyKey: "reconnect-\(index)")
            do throws(PaymentError) {
                _ = try await testbed.engine.enqueue(request)
            } catch {
                failures.append("enqueue \(index): \(error.code): \(error.description)")
            }
        }
        XCTAssertEqual(failures, [], "a dead session is reconnected, not reported to the client")
        XCTAssertEqual(try testbed.count(.pending), 8)
    }

    /// Pins: PostgreSQL restarted twice while hundreds of enqueues run. Before the fix some were
    /// refused with `database_error` and libpq's raw text ("server closed the connection
    /// unexpectedly…"). Now a refusal, if the database is still away after a reconnect, is
    /// `database_unavailable` with a retry hint; re-enqueueing with the same keys settles
    /// every payment exactly once.
    func testEnqueuesDuringPostgresRestartsAreRetriedOrRefusedWithARetryHint() async throws {
        let testbed = try await EngineTestbed()
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        let before = try await testbed.usdcBalance(testbed.configuration.receiver)
        try await testbed.start()
        let requests = try (0..<240).map { index in
            try testbed.request(buyer: try testbed.buyerKey(index % 8), idempotencyKey: "restart-\(UUID().uuidString)-\(index)")
        }
        let engine = testbed.engine
        async let enqueueing = Self.enqueueAll(engine, requests)
        for _ in 0..<2 {
            try await testbed.wait("enqueues to be under way") { try testbed.count(.pending) + testbed.count(.sent) + testbed.count(.completed) > 0 }
            try await BlockingWork.run { try ThrowawayPostgres.shared().restart() }
        }
        let refusals = await enqueueing
        print("enqueues during two PostgreSQL restarts: \(refusals.count) refused: \(Set(refusals.map(\.code)))")
        for refusal in refusals {
            XCTAssertEqual(refusal.code, "database_unavailable", refusal.description)
            XCTAssertTrue(refusal.description.contains("idempotency_key"), "a retry hint a client can act on: \(refusal.description)")
            XCTAssertFalse(refusal.description.contains("server closed the connection"), "no raw libpq text: \(refusal.description)")
        }
        // Whatever was refused is enqueued again under the same keys; nothing is lost or doubled.
        try await testbed.wait("every payment to be accepted") { await Self.enqueueAll(engine, requests).isEmpty }
        try await testbed.wait("every payment to complete", seconds: 240) { try testbed.count(.completed) == requests.count }
        await testbed.stop()
        let after = try await testbed.usdcBalance(testbed.configuration.receiver)
        let total = requests.reduce(UInt256(0)) { $0 + UInt256(decimal: $1.amount)! }
        XCTAssertEqual((after - before).decimalString, total.decimalString, "the receiver got exactly what was paid")
    }

    /// Enqueues `requests`, 16 at a time, and returns the refusals.
    private static func enqueueAll(_ engine: SettlementEngine, _ requests: [PaymentRequest]) async -> [PaymentError] {
        var refusals: [PaymentError] = []
        for start in stride(from: 0, to: requests.count, by: 16) {
            let slice = requests[start..<min(start + 16, requests.count)]
            let results = await withTaskGroup(of: PaymentError?.self) { group in
                for request in slice {
                    group.addTask {
                        do throws(PaymentError) {
                            _ = try await engine.enqueue(request)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var collected: [PaymentError] = []
                for await result in group { if let result { collected.append(result) } }
                return collected
            }
            refusals += results
        }
        return refusals
    }

    /// Ends every server process connected to the testbed's database except our own, and waits
    /// until each is gone (what a restart leaves behind: idle sessions whose server went away);
    /// returns how many there were.
    private func terminateEngineBackends(_ testbed: EngineTestbed) throws -> Int {
        let admin = try testbed.database()
        defer { admin.close() }
        let rows = try admin.query("""
            SELECT pg_terminate_backend(pid, 10000) AS ended FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        return rows.rows.count
    }
}
