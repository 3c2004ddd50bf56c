import PaymentStore
import Postgres

/// Which of the release's migrations a database has and which it would get, read without
/// writing anything (the daemon's `MigrationRunner` creates `schema_migrations` when it is
/// missing; this only looks). It refuses the same histories the runner refuses, with the
/// runner's own errors, so a dry run never promises an upgrade that would then stop start-up.
public struct MigrationPlan: Sendable, Equatable {
    /// Versions recorded in `schema_migrations`, oldest first (none on a replaced system's database).
    public var applied: [String]
    /// Versions the runner would apply, in order.
    public var pending: [String]

    public init(applied: [String], pending: [String]) {
        self.applied = applied
        self.pending = pending
    }

    public static func read(_ migrations: [Migration], on conn: PostgresConnection) throws(MigrationError) -> MigrationPlan {
        let recorded = try recordedChecksums(on: conn)
        let known = Set(migrations.map(\.version))
        if let unknown = recorded.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownAppliedMigration(version: unknown)
        }
        for migration in migrations {
            if let checksum = recorded[migration.version], checksum != migration.checksum {
                throw .changedAfterApply(version: migration.version, recorded: checksum, found: migration.checksum)
            }
        }
        return MigrationPlan(applied: recorded.keys.sorted(),
                             pending: migrations.map(\.version).filter { recorded[$0] == nil }.sorted())
    }

    /// The recorded versions and checksums; empty when `schema_migrations` does not exist.
    static func recordedChecksums(on conn: PostgresConnection) throws(MigrationError) -> [String: String] {
        do {
            let exists = try conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first
            guard try exists?.bool("present") == true else { return [:] }
            var result: [String: String] = [:]
            for row in try conn.query("SELECT version, checksum FROM schema_migrations").rows {
                result[try row.string("version")] = try row.string("checksum")
            }
            return result
        } catch {
            throw .database(error)
        }
    }
}
