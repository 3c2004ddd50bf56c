import Foundation
import Postgres
import TestHarness

/// Watches a run's database (as the benchmark's own role, so its statements are not counted as
/// the daemon's) until every payment is terminal and every mint job of a completed payment is
/// minted, and afterwards reads each payment's times.
///
/// Polls every 100 ms: the end of a run is known to that precision, well under a percent of
/// any run that lasts more than ten seconds. Per-payment latencies come from the rows' own
/// timestamps (`created_at`, `sent_at`, `processed_at`, the mint job's `processed_at`), all
/// written by the database's clock, so they are exact whatever the polling.
final class SettlementWatch: @unchecked Sendable {
    // @unchecked Sendable: `conn` and `queries` are used by one task at a time (the run that
    // owns the watch awaits each call before the next).
    private let conn: PostgresConnection
    /// Statements this watch ran (subtracted from the database's transaction count).
    private(set) var queries = 0

    struct Progress: Sendable, Equatable {
        var pending = 0, processing = 0, sent = 0, completed = 0, failed = 0
        var mintsOpen = 0, minted = 0, mintsFailed = 0
        var total: Int { pending + processing + sent + completed + failed }
        var open: Int { pending + processing + sent }
        var line: String {
            "pending \(pending), sent \(sent + processing), completed \(completed), failed \(failed), minted \(minted)"
        }
    }

    init(conninfo: String) throws {
        conn = try PostgresConnection(conninfo: BenchDatabase.benchConninfo(conninfo))
    }

    deinit { conn.close() }

    func progress() throws -> Progress {
        queries += 1
        let row = try conn.query("""
            SELECT (SELECT count(*) FILTER (WHERE status = 'pending') FROM payment_queue) AS pending,
                   (SELECT count(*) FILTER (WHERE status = 'processing') FROM payment_queue) AS processing,
                   (SELECT count(*) FILTER (WHERE status = 'sent') FROM payment_queue) AS sent,
                   (SELECT count(*) FILTER (WHERE status = 'completed') FROM payment_queue) AS completed,
                   (SELECT count(*) FILTER (WHERE status IN ('failed', 'confirmation_failed')) FROM payment_queue) AS failed,
                   (SELECT count(*) FILTER (WHERE status IN ('pending', 'processing')) FROM mint_queue) AS mints_open,
                   (SELECT count(*) FILTER (WHERE status = 'completed') FROM mint_queue) AS minted,
                   (SELECT count(*) FILTER (WHERE status = 'failed') FROM mint_queue) AS mints_failed
            """).first!
        return Progress(pending: Int(try row.int64("pending")), processing: Int(try row.int64("processing")),
                        sent: Int(try row.int64("sent")), completed: Int(try row.int64("completed")),
                        failed: Int(try row.int64("failed")), mintsOpen: Int(try row.int64("mints_open")),
                        minted: Int(try row.int64("minted")), mintsFailed: Int(try row.int64("mints_failed")))
    }

    /// Waits until `expected` payments are all terminal (returns the seconds since `start`
    /// then) and all their mints done (the seconds since `start` then, and the last progress).
    func waitUntilSettled(expected: Int, since start: ContinuousClock.Instant, timeoutSeconds: Double,
                          report: (Progress) -> Void) async throws -> (settled: Double, minted: Double, progress: Progress) {
        let clock = ContinuousClock()
        var settled: Double?
        var lastReport = clock.now
        while true {
            let now = clock.now
            let state = try progress()
            let elapsed = EnqueueDriver.seconds(now - start)
            if settled == nil, state.total >= expected, state.open == 0 { settled = elapsed }
            if let settled, state.mintsOpen == 0, state.minted + state.mintsFailed >= state.completed {
                return (settled, elapsed, state)
            }
            if now - lastReport >= .seconds(5) {
                report(state)
                lastReport = now
            }
            if elapsed > timeoutSeconds { throw HarnessError("not settled within \(Int(timeoutSeconds)) s: \(state.line)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Per-payment times, milliseconds: enqueue→sent, enqueue→completed, enqueue→minted (the
    /// payment's last mint job).
    func latencies() throws -> (sent: [Double], completed: [Double], minted: [Double]) {
        queries += 1
        let rows = try conn.query("""
            SELECT extract(epoch FROM p.sent_at - p.created_at)::float8 * 1000 AS sent,
                   CASE WHEN p.status = 'completed' THEN extract(epoch FROM p.processed_at - p.created_at)::float8 * 1000 END AS completed,
                   extract(epoch FROM (SELECT max(m.processed_at) FROM mint_queue m
                                       WHERE m.payment_id = p.id AND m.status = 'completed') - p.created_at)::float8 * 1000 AS minted
            FROM payment_queue p
            """).rows
        var sent: [Double] = [], completed: [Double] = [], minted: [Double] = []
        for row in rows {
            if let value = try row.text("sent").flatMap(Double.init) { sent.append(value) }
            if let value = try row.text("completed").flatMap(Double.init) { completed.append(value) }
            if let value = try row.text("minted").flatMap(Double.init) { minted.append(value) }
        }
        return (sent, completed, minted)
    }

    /// Seconds from the newest enqueue (row creation) to the newest `sent_at` among the
    /// payments whose idempotency keys start with `keyPrefix`: how long after the last enqueue
    /// of a burst the whole burst was sent.
    func allSentAfterLastEnqueue(keyPrefix: String) throws -> Double? {
        queries += 1
        let row = try conn.query("""
            SELECT extract(epoch FROM max(sent_at) - max(created_at))::float8 AS seconds FROM payment_queue
            WHERE idempotency_key LIKE $1
            """, [keyPrefix + "%"]).first
        return try row?.text("seconds").flatMap(Double.init)
    }

    /// Runs any statement as the benchmark's role (counted as the benchmark's).
    func query(_ sql: String) throws -> PostgresRows {
        queries += 1
        return try conn.query(sql)
    }
}
