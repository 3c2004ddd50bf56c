import PaymentStore
import Postgres

/// What the migrations and then the daemon will do to the rows of a database the replaced
/// TypeScript system wrote, read in one read-only transaction: payments per status now and
/// after migration 007 (which fails the waiting duplicates of an authorization), the rows
/// that get their authorization's nonce as a unique key, those that cannot, the stuck `sent`
/// rows, mint jobs and settings. `payctl check-upgrade` prints it before anyone upgrades.
///
/// The selection mirrors 007's own statements (the same nonce pattern, the same preference
/// for a completed row); `SchemaUpgradeTests` apply the real migrations to the same data
/// and check the prediction against the result.
public struct LegacySurvey: Sendable, Equatable {
    public var plan: MigrationPlan
    /// Payments per status as stored now (any status text the table holds).
    public var statusCounts: [String: Int]
    /// Payments per status once the migrations ran.
    public var statusCountsAfter: [String: Int]
    /// Rows that will get their authorization's nonce as a unique key (one per authorization).
    public var keyed: Int
    /// Waiting (pending, processing, sent) copies of an authorization another row holds: 007 fails them.
    public var duplicatesFailed: Int
    /// Settled copies of an authorization another row holds: kept as they are, without the key.
    public var duplicatesKept: Int
    /// Rows whose authorization has no readable bytes32 nonce: kept, never keyed; they settle
    /// only by a receipt of their own transaction.
    public var unreadableNonce: Int
    /// `sent` rows broadcast more than five minutes ago (the replaced system never timed them out).
    public var stuckSent: Int
    /// Mint jobs per status, and how many have no payment (the replaced system's).
    public var mintCounts: [String: Int]
    public var mintJobsWithoutPayment: Int
    /// `system_settings`, which the migrations keep (values unchanged).
    public var settings: [String: String]
    /// Whether migration 007 already ran (then there is nothing of the replaced system's left to carry).
    public var settlementColumnsPresent: Bool

    /// Reads everything inside `BEGIN READ ONLY … ROLLBACK`: the database refuses any write.
    public static func read(_ migrations: [Migration], on conn: PostgresConnection) throws(SchemaUpgradeError) -> LegacySurvey {
        do {
            try conn.execute("BEGIN TRANSACTION READ ONLY")
        } catch {
            throw .database(error)
        }
        defer { try? conn.execute("ROLLBACK") }
        let plan: MigrationPlan
        do {
            plan = try MigrationPlan.read(migrations, on: conn)
        } catch {
            throw .migrations(error)
        }
        do {
            guard try exists("payment_queue", on: conn) else { throw SchemaUpgradeError.notAPaymentDatabase }
            let keyedAlready = try conn.query("""
                SELECT count(*) > 0 AS present FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'payment_queue' AND column_name = 'auth_nonce'
                """).first?.bool("present") ?? false
            var survey = LegacySurvey(plan: plan, statusCounts: try counts("payment_queue", on: conn), statusCountsAfter: [:], keyed: 0,
                                      duplicatesFailed: 0, duplicatesKept: 0, unreadableNonce: 0, stuckSent: 0, mintCounts: [:],
                                      mintJobsWithoutPayment: 0, settings: [:], settlementColumnsPresent: keyedAlready)
            survey.statusCountsAfter = survey.statusCounts
            if !keyedAlready { try survey.readAuthorizationKeys(on: conn) }
            survey.stuckSent = Int(try conn.query("""
                SELECT count(*) AS n FROM payment_queue WHERE status = 'sent' AND coalesce(processed_at, created_at) < now() - interval '5 minutes'
                """).first?.int64("n") ?? 0)
            if try exists("mint_queue", on: conn) {
                survey.mintCounts = try counts("mint_queue", on: conn)
                let linked = try conn.query("""
                    SELECT count(*) > 0 AS present FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'mint_queue' AND column_name = 'payment_id'
                    """).first?.bool("present") ?? false
                survey.mintJobsWithoutPayment = Int(try conn.query(
                    linked ? "SELECT count(*) AS n FROM mint_queue WHERE payment_id IS NULL" : "SELECT count(*) AS n FROM mint_queue"
                ).first?.int64("n") ?? 0)
            }
            if try exists("system_settings", on: conn) {
                for row in try conn.query("SELECT key, value FROM system_settings").rows {
                    survey.settings[try row.string("key")] = try row.string("value")
                }
            }
            return survey
        } catch let error as SchemaUpgradeError {
            throw error
        } catch let error as PostgresError {
            throw .database(error)
        } catch {
            throw .database(.connectionLost("\(error)"))
        }
    }

    /// 007's selection: per (payment token, payer, nonce) the completed row wins, then sent,
    /// processing, pending, then the rest; the oldest among equals.
    private mutating func readAuthorizationKeys(on conn: PostgresConnection) throws(PostgresError) {
        let row = try conn.query(Self.rankedCopies + """
            SELECT count(*) FILTER (WHERE rank = 1) AS keyed,
                   count(*) FILTER (WHERE rank > 1 AND status IN ('pending', 'processing', 'sent')) AS failed,
                   count(*) FILTER (WHERE rank > 1 AND status NOT IN ('pending', 'processing', 'sent')) AS kept,
                   (SELECT count(*) FROM payment_queue WHERE coalesce("authorization" ->> 'nonce', '') !~* '^0x[0-9a-f]{64}$') AS unreadable
            FROM ranked
            """).first
        keyed = Int(try row?.int64("keyed") ?? 0)
        duplicatesFailed = Int(try row?.int64("failed") ?? 0)
        duplicatesKept = Int(try row?.int64("kept") ?? 0)
        unreadableNonce = Int(try row?.int64("unreadable") ?? 0)
        for failed in try conn.query(Self.rankedCopies + """
            SELECT status, count(*) AS n FROM ranked WHERE rank > 1 AND status IN ('pending', 'processing', 'sent') GROUP BY status
            """).rows {
            let count = Int(try failed.int64("n"))
            statusCountsAfter[try failed.string("status"), default: 0] -= count
            statusCountsAfter["failed", default: 0] += count
        }
    }

    /// Every row with a readable authorization nonce, ranked within its authorization as 007
    /// ranks them: rank 1 gets the key, the others are copies.
    static let rankedCopies = """
        WITH ranked AS (
            SELECT status, row_number() OVER (
                PARTITION BY lower(payment_token_address), lower(payer), lower("authorization" ->> 'nonce')
                ORDER BY CASE status WHEN 'completed' THEN 0 WHEN 'sent' THEN 1 WHEN 'processing' THEN 2 WHEN 'pending' THEN 3 ELSE 4 END,
                         created_at) AS rank
            FROM payment_queue WHERE "authorization" ->> 'nonce' ~* '^0x[0-9a-f]{64}$')

        """

    private static func exists(_ table: String, on conn: PostgresConnection) throws(PostgresError) -> Bool {
        try conn.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]).first?.bool("present") ?? false
    }

    private static func counts(_ table: String, on conn: PostgresConnection) throws(PostgresError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try conn.query("SELECT status, count(*) AS n FROM \(table) GROUP BY status").rows {
            counts[try row.string("status")] = Int(try row.int64("n"))
        }
        return counts
    }
}
