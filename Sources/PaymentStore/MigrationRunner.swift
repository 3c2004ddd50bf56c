import Postgres

/// Brings a database's schema up to date, once, in order, and refuses to run on a schema whose
/// history disagrees with the files.
///
/// Applied migrations are recorded in `schema_migrations (version, checksum, applied_at)`.
/// Each migration runs in its own transaction together with its record, so a failure leaves no
/// half-applied file. A session advisory lock serialises concurrent runners (two daemons
/// starting at once).
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]

    /// Advisory-lock id shared by every runner (an arbitrary constant, unique to paymentd).
    static let advisoryLock = "7020457301986453762"

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    public init(directory: String) throws(MigrationError) {
        self.init(migrations: try Migration.load(directory: directory))
    }

    /// Applies every migration not yet recorded and returns their versions, oldest first.
    @discardableResult
    public func apply(on conn: PostgresConnection) throws(MigrationError) -> [String] {
        do {
            try conn.query("SELECT pg_advisory_lock($1::bigint)", [Self.advisoryLock])
        } catch {
            throw .database(error)
        }
        defer { _ = try? conn.query("SELECT pg_advisory_unlock($1::bigint)", [Self.advisoryLock]) }

        let recorded = try recordedChecksums(conn)
        let known = Set(migrations.map(\.version))
        if let unknown = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownAppliedMigration(version: unknown)
        }
        for migration in migrations {
            if let checksum = recorded[migration.version], checksum != migration.checksum {
                throw .changedAfterApply(version: migration.version, recorded: checksum, found: migration.checksum)
            }
        }
        var applied: [String] = []
        for migration in migrations where recorded[migration.version] == nil {
            do {
                try conn.execute("BEGIN")
                try conn.execute(migration.sql)
                try conn.query("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", [migration.version, migration.checksum])
                try conn.execute("COMMIT")
            } catch {
                if conn.isHealthy { try? conn.execute("ROLLBACK") }
                throw .failed(version: migration.version, error)
            }
            applied.append(migration.version)
        }
        return applied
    }

    /// The versions already applied, with their checksums.
    public func recordedChecksums(_ conn: PostgresConnection) throws(MigrationError) -> [String: String] {
        do {
            try conn.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let rows = try conn.query("SELECT version, checksum FROM schema_migrations")
            var result: [String: String] = [:]
            for row in rows.rows { result[try row.string("version")] = try row.string("checksum") }
            return result
        } catch {
            throw .database(error)
        }
    }
}
