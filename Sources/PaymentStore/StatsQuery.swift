import PaymentModel
import Postgres

/// The database half of `stats`: counts and ages from `payment_queue` and `mint_queue`.
/// (Signer state comes from the engine's memory.) Every part is read through an index or the
/// status counts (`StatusCounts`), so its cost does not grow with the history.
public struct QueueStatistics: Sendable, Hashable {
    public var counts: [PaymentStatus: Int]
    public var oldestPendingAgeSeconds: Double?
    public var oldestSentAgeSeconds: Double?
    /// Mean seconds from creation to completion over the latest 1,000 payments completed in
    /// the last hour.
    public var averageProcessingSeconds: Double?
    public var mintCounts: [MintStatus: Int]
    public var settlementsLost: Int
    public var settlementsRestoring: Int
    /// Paid payments with a mint that cannot be made and no refund recorded.
    public var refundsDue: Int

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
            let tallies = try StatusCounts.read(on: conn)
            var counts = Dictionary(uniqueKeysWithValues: PaymentStatus.allCases.map { ($0, 0) })
            for (name, count) in tallies.payments { if let status = PaymentStatus(rawValue: name) { counts[status] = count } }
            var mintCounts = Dictionary(uniqueKeysWithValues: MintStatus.allCases.map { ($0, 0) })
            for (name, count) in tallies.mints { if let status = MintStatus(rawValue: name) { mintCounts[status] = count } }
            let ages = try conn.query("""
                SELECT
                  (SELECT extract(epoch FROM now() - min(created_at))::float8 FROM payment_queue WHERE status = 'pending') AS pending_age,
                  (SELECT extract(epoch FROM now() - min(coalesce(sent_at, processed_at, created_at)))::float8
                     FROM payment_queue WHERE status = 'sent') AS sent_age,
                  (SELECT avg(extract(epoch FROM processed_at - created_at))::float8
                     FROM (SELECT processed_at, created_at FROM payment_queue
                           WHERE status = 'completed' AND processed_at > now() - interval '1 hour'
                           ORDER BY processed_at DESC LIMIT 1000) AS latest) AS avg_processing,
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
                settlementsRestoring: Int(try ages.int64("restoring")),
                refundsDue: try PaymentQueue.refundsDue(on: conn))
        }
    }
}
