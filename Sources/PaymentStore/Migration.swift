import Ethereum
import Foundation

/// One schema change: a `migrations/NNN_name.sql` file, identified by its file name and pinned
/// by the Keccak-256 of its bytes so an edited, already-applied file is noticed.
public struct Migration: Sendable, Equatable {
    /// The file name without `.sql`, e.g. `001_payment_queue`. Order is by this string.
    public let version: String
    public let sql: String
    /// 0x-hex Keccak-256 of the file's bytes.
    public let checksum: String

    public init(version: String, sql: String) {
        self.version = version
        self.sql = sql
        checksum = Hex.encode(Keccak256.hash(Array(sql.utf8)))
    }

    /// Reads every `*.sql` file in `directory`, sorted by name.
    public static func load(directory: String) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .directoryUnreadable(directory)
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let sql = String(data: data, encoding: .utf8) else {
                throw .fileUnreadable(directory + "/" + name)
            }
            migrations.append(Migration(version: String(name.dropLast(4)), sql: sql))
        }
        guard !migrations.isEmpty else { throw .noMigrations(directory) }
        return migrations
    }
}
