import PaymentModel
import Postgres

/// The database half of `stats`: counts and ages from `payment_queue` and `mint_queue`.
/// (Signer state comes from the engine's memory.)
public struct QueueStatistics: Sendable, Hashable {
    public var counts: [PaymentStatus: Int]
    public var oldestPendingAgeSeconds: Double?
    public var oldestSentAgeSeconds: Double?
    /// Mean seconds from creation to completion over payments completed in the last hour.
    public var averageProcessingSeconds: Double?
    public var mintCounts: [MintStatus: Int]
    public var settlementsLost: Int
    public var settlementsRestoring: Int

    /// `completed / (completed + confirmation_failed)`, nil before anything settled.
    public var confirmationRate: Double? {
        let completed = counts[.completed] ?? 0
        let failed = counts[.confirmationFailed] ?? 0
        return completed + failed == 0 ? nil : Double(completed) / Double(completed + failed)
    }
}

public enum StatsQuery {
    public static func run(on conn: PostgresConnection) throws(StoreError) -> QueueStatistics {
        try StoreError.wrap {
            var counts = Dictionary(uniqueKeysWithValues: PaymentStatus.allCases.map { ($0, 0) })
            for row in try conn.query("SELECT status, count(*) AS n FROM payment_queue GROUP BY status").rows {
                if let status = PaymentStatus(rawValue: try row.string("status")) { counts[status] = Int(try row.int64("n")) }
            }
            var mintCounts = Dictionary(uniqueKeysWithValues: MintStatus.allCases.map { ($0, 0) })
            for row in try conn.query("SELECT status, count(*) AS n FROM mint_queue GROUP BY status").rows {
                if let status = MintStatus(rawValue: try row.string("status")) { mintCounts[status] = Int(try row.int64("n")) }
            }
            let ages = try conn.query("""
                SELECT
                  (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM payment_queue WHERE status = 'pending') AS pending_age,
                  (SELECT extract(epoch FROM now() - min(coalesce(sent_at, processed_at, created_at)))::float8
                     FROM payment_queue WHERE status = 'sent') AS sent_age,
                  (SELECT avg(extract(epoch FROM processed_at - created_at))::float8 FROM payment_queue
                     WHERE status = 'completed' AND processed_at > now() - interval '1 hour') AS avg_processing,
                  (SELECT count(*) FROM payment_queue WHERE reorged_at IS NOT NULL AND settlement_lost IS NOT NULL) AS lost,
                  (SELECT count(*) FROM payment_queue WHERE reorged_at IS NOT NULL AND settlement_lost IS NULL) AS restoring
                """).first!
            return QueueStatistics(
                counts: counts,
                oldestPendingAgeSeconds: try ages.text("pending_age").flatMap(Double.init),
                oldestSentAgeSeconds: try ages.text("sent_age").flatMap(Double.init),
                averageProcessingSeconds: try ages.text("avg_processing").flatMap(Double.init),
                mintCounts: mintCounts,
                settlementsLost: Int(try ages.int64("lost")),
                settlementsRestoring: Int(try ages.int64("restoring")))
        }
    }
}
