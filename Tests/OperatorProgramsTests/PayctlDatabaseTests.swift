import Foundation
import Postgres
import TestHarness
import XCTest

/// `payctl check-upgrade` and `payctl migrate` as an operator runs them before an upgrade, on a
/// database the replaced TypeScript system left (the PaymentStore fixture).
final class PayctlDatabaseTests: XCTestCase {
    func testCheckUpgradeThenADryRunThenMigrate() async throws {
        let url = try ThrowawayPostgres.shared().makeDatabase(prefix: "payctlupgrade")
        let conn = try PostgresConnection(conninfo: url)
        defer { conn.close() }
        let root = PaymentdWorkspace.repositoryRoot
        try conn.execute(try String(contentsOfFile: root + "/Tests/PaymentStoreTests/Fixtures/replaced-system-database.sql", encoding: .utf8))
        let database = ["--database-url", url, "--migrations-dir", root + "/migrations"]
        let environment = OperatorTestbed.environment()

        let check = try await BlockingWork.run { try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["check-upgrade"] + database, environment: environment) }
        XCTAssertEqual(check.status, 0, check.description)
        XCTAssertTrue(check.stdout.hasPrefix("migrations: none applied yet (a database of the replaced system); "), check.stdout)
        XCTAssertTrue(check.stdout.contains("\npayment_queue: 6 rows\n"), check.stdout)
        XCTAssertTrue(check.stdout.contains("  1 settled duplicate(s) are kept as they are, without the key"), check.stdout)
        XCTAssertTrue(check.stdout.hasSuffix("Nothing was written. Apply with: payctl migrate --database-url … (or start paymentd, which applies them).\n"))
        XCTAssertEqual(try conn.query("SELECT to_regclass('schema_migrations') IS NULL AS absent").first?.bool("absent"), true)

        let dryRun = try await BlockingWork.run { try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["migrate", "--dry-run"] + database, environment: environment) }
        XCTAssertEqual(dryRun.status, 0, dryRun.description)
        XCTAssertTrue(dryRun.stdout.contains("\n  007_paymentd_payment_settlement\n"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.hasSuffix("(dry run: nothing was written)\n"), dryRun.stdout)
        XCTAssertEqual(try conn.query("SELECT to_regclass('schema_migrations') IS NULL AS absent").first?.bool("absent"), true)

        let migrate = try await BlockingWork.run { try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["migrate"] + database, environment: environment) }
        XCTAssertEqual(migrate.status, 0, migrate.description)
        XCTAssertTrue(migrate.stdout.hasPrefix("applied "), migrate.stdout)
        XCTAssertTrue(migrate.stdout.contains("\n  001_system_settings\n"), migrate.stdout)
        let again = try await BlockingWork.run { try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["migrate"] + database, environment: environment) }
        XCTAssertTrue(again.stdout.hasPrefix("up to date: all "), again.stdout)

        let unreachable = try await BlockingWork.run {
            try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["check-upgrade", "--database-url", "postgresql://nobody@127.0.0.1:1/none",
                                                                          "--migrations-dir", root + "/migrations"], environment: environment)
        }
        XCTAssertEqual(unreachable.status, 1, unreachable.description)
        XCTAssertTrue(unreachable.stderr.hasPrefix("payctl: database_unavailable: "), unreachable.stderr)
        let noURL = try await BlockingWork.run { try ChildProcess.run(try OperatorTestbed.binary("payctl"), ["migrate"], environment: environment) }
        XCTAssertEqual(noURL.status, 2, noURL.description)
    }
}
