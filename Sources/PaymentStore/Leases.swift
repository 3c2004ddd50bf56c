import Postgres

/// Who may use a signer lane (or run the coordinator's work), decided by PostgreSQL
/// session-level advisory locks: an instance holds a lease while its lease session holds the
/// lock, and loses it the moment that session ends (the process died, the connection broke,
/// the server failed over), so a surviving instance can take it within seconds. No table to
/// clean up after a crash, and no clock to trust.
///
/// Lock keys are `hashtextextended('paymentd:<resource>', 0)`; who holds a key is read from
/// `pg_locks` and the holder session's `application_name` (`paymentd-lease:<instance>`).
public enum Leases {
    /// The `application_name` prefix of lease sessions; what follows it is the instance's name.
    public static let applicationPrefix = "paymentd-lease:"

    /// Takes the lease on `resource` if nobody holds it; true if this session holds it now.
    public static func tryAcquire(_ resource: String, on conn: PostgresConnection) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try conn.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", ["paymentd:" + resource]).first!.bool("ok")
        }
    }

    /// Gives the lease on `resource` back.
    public static func release(_ resource: String, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS ok", ["paymentd:" + resource])
        }
    }

    /// The instance holding each of `resources` (absent: nobody).
    public static func holders(of resources: [String], on conn: PostgresConnection) throws(StoreError) -> [String: String] {
        guard !resources.isEmpty else { return [:] }
        return try StoreError.wrap {
            let rows = try conn.query("""
                SELECT r.resource, substr(a.application_name, length($2) + 1) AS instance
                FROM unnest($1::text[]) AS r(resource)
                JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                     AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('paymentd:' || r.resource, 0)
                JOIN pg_stat_activity a ON a.pid = l.pid
                """, [PostgresArrayLiteral.encode(resources), applicationPrefix]).rows
            var holders: [String: String] = [:]
            for row in rows { holders[try row.string("resource")] = try row.string("instance") }
            return holders
        }
    }

    /// The names of the paymentd instances holding a lease session on this database now (this
    /// one included), sorted.
    public static func liveInstances(on conn: PostgresConnection) throws(StoreError) -> [String] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT substr(application_name, length($1) + 1) AS name FROM pg_stat_activity
                WHERE datname = current_database() AND application_name LIKE $1 || '%' ORDER BY 1
                """, [applicationPrefix]).rows.map { try $0.string("name") }
        }
    }
}
