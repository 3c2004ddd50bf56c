import Foundation
import Postgres
import TestHarness

/// The benchmark's throwaway PostgreSQL cluster, with `pg_stat_statements` loaded so a run can
/// count the statements the daemon executed, and a role of the benchmark's own for its polling,
/// so that its statements are not counted as the daemon's.
///
/// `pg_stat_statements` must be in `shared_preload_libraries`, which only a restart applies:
/// the cluster is started as the test harness starts every cluster, then changed with
/// `ALTER SYSTEM` and restarted. When that fails the report says statements were not counted.
final class BenchDatabase: Sendable {
    let cluster: ThrowawayPostgres
    /// Whether `pg_stat_statements` is loaded.
    let countsStatements: Bool
    /// The role the daemons connect as (the harness's conninfo); only its statements count.
    static let daemonRole = "postgres"
    static let benchRole = "paymentd_bench"

    init(log: @Sendable (String) -> Void) throws {
        cluster = try ThrowawayPostgres()
        let admin = try PostgresConnection(conninfo: cluster.conninfo())
        try admin.execute("CREATE ROLE \(Self.benchRole) LOGIN SUPERUSER")
        var loaded = false
        do {
            try admin.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
            admin.close()
            try cluster.restart()
            let check = try PostgresConnection(conninfo: cluster.conninfo())
            loaded = try check.query("SHOW shared_preload_libraries").first?.text("shared_preload_libraries")?.contains("pg_stat_statements") ?? false
            check.close()
        } catch {
            admin.close()
            log("pg_stat_statements could not be loaded (\(error)); statements will be counted as transactions instead")
        }
        countsStatements = loaded
    }

    /// A new database for one run: the daemons' connection string (role `postgres`).
    func makeDatabase() throws -> String {
        let conninfo = try cluster.makeDatabase(prefix: "bench")
        if countsStatements {
            let conn = try PostgresConnection(conninfo: conninfo)
            try conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            conn.close()
        }
        return conninfo
    }

    /// The same database as the benchmark's own role.
    static func benchConninfo(_ daemonConninfo: String) -> String {
        daemonConninfo.replacingOccurrences(of: "user=\(daemonRole)", with: "user=\(benchRole)")
    }

    /// Drops a run's database once its daemons are gone (10^6 history rows are not kept).
    func dropDatabase(_ conninfo: String) {
        guard let name = conninfo.split(separator: " ").first(where: { $0.hasPrefix("dbname=") })?.dropFirst(7),
              let admin = try? PostgresConnection(conninfo: cluster.conninfo()) else { return }
        try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        admin.close()
    }

    /// The postmaster's pid (its tree is what PostgreSQL spends).
    var serverProcessID: Int32? {
        guard let text = try? String(contentsOfFile: cluster.root + "/data/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    func stop() {
        cluster.stop()
    }
}
