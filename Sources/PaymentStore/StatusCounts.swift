import Postgres

/// The queues' status counts kept by migration 013's triggers as appended deltas, so `stats`
/// reads a few dozen rows instead of every payment ever made.
///
/// Deltas pile up one row per writing statement; `fold` turns them into one row per status.
/// Folding is one statement (delete the rows it sees, insert their sums), so a reader sees the
/// counts before or after it and a writer's delta committed meanwhile is neither lost nor
/// counted twice; two instances folding at once only wait on each other's deleted rows.
public enum StatusCounts {
    /// Count per status of `payment_queue` and of `mint_queue`; statuses with no rows are absent.
    public static func read(on conn: PostgresConnection) throws(StoreError) -> (payments: [String: Int], mints: [String: Int]) {
        try StoreError.wrap {
            var payments: [String: Int] = [:]
            var mints: [String: Int] = [:]
            for row in try conn.query("""
                SELECT queue, status, sum(delta)::bigint AS n FROM paymentd_status_counts GROUP BY queue, status HAVING sum(delta) <> 0
                """).rows {
                let count = Int(try row.int64("n"))
                switch try row.string("queue") {
                case "payment_queue": payments[try row.string("status")] = count
                default: mints[try row.string("status")] = count
                }
            }
            return (payments, mints)
        }
    }

    /// Folds the deltas into one row per status and returns how many rows it folded.
    @discardableResult
    public static func fold(on conn: PostgresConnection) throws(StoreError) -> Int {
        try StoreError.wrap {
            try conn.query("""
                WITH folded AS (DELETE FROM paymentd_status_counts RETURNING queue, status, delta),
                     sums AS (INSERT INTO paymentd_status_counts (queue, status, delta)
                              SELECT queue, status, sum(delta) FROM folded GROUP BY queue, status HAVING sum(delta) <> 0
                              RETURNING 1)
                SELECT (SELECT count(*) FROM folded) AS folded
                """).first.map { Int(try $0.int64("folded")) } ?? 0
        }
    }
}
