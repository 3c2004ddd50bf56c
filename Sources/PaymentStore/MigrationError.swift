import ErrorCoding
import Postgres

/// Why the schema could not be brought up to date. Each case stops start-up: running the engine
/// on a schema it does not understand could lose payments.
public enum MigrationError: CodedError, Equatable {
    case directoryUnreadable(String)
    case fileUnreadable(String)
    case noMigrations(String)
    /// An applied migration's file changed since it ran.
    case changedAfterApply(version: String, recorded: String, found: String)
    /// The database has a migration this build does not know: it is newer than the code.
    case unknownAppliedMigration(version: String)
    /// A migration's SQL failed; nothing of it was applied.
    case failed(version: String, PostgresError)
    case database(PostgresError)

    public var code: String {
        switch self {
        case .directoryUnreadable, .fileUnreadable, .noMigrations: "migrations_unreadable"
        case .changedAfterApply: "migration_changed"
        case .unknownAppliedMigration: "migration_unknown"
        case .failed: "migration_failed"
        case .database(let e): e.code
        }
    }

    public var description: String {
        switch self {
        case .directoryUnreadable(let path):
            "The migrations directory \(path) cannot be read. Point the daemon at the release's migrations/ folder."
        case .fileUnreadable(let path):
            "The migration file \(path) cannot be read as UTF-8."
        case .noMigrations(let path):
            "The migrations directory \(path) holds no .sql files."
        case .changedAfterApply(let version, let recorded, let found):
            "Migration \(version) was already applied with checksum \(recorded), but the file now has \(found). "
                + "Applied migrations must never be edited: restore the file and add a new migration instead."
        case .unknownAppliedMigration(let version):
            "The database has migration \(version) applied, which this build does not have: the database is newer "
                + "than this binary. Run the matching or a newer release."
        case .failed(let version, let error):
            "Migration \(version) failed and was rolled back: \(error.description)"
        case .database(let error):
            error.description
        }
    }
}
