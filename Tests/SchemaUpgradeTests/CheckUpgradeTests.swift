import Foundation
import PaymentStore
import Postgres
import SchemaUpgrade
import TestHarness
import XCTest

/// `payctl check-upgrade` and `migrate --dry-run` on a database of the replaced system (the
/// PaymentStore fixture, plus a waiting duplicate of an authorization): the prediction is
/// checked against what the real migrations then do, and reading writes nothing.
final class CheckUpgradeTests: XCTestCase {
    static let root = PaymentdWorkspace.repositoryRoot
    /// A pending copy of the fixture's completed authorization 0x11…: migration 007 must fail it.
    static let waitingDuplicate = """
        INSERT INTO payment_queue (id, payment_type, token_address, "authorization", payer, amount, payment_token_address, metadata, status, created_at)
        SELECT '77777777-7777-4777-8777-777777777777', payment_type, token_address, "authorization", payer, amount, payment_token_address,
               metadata, 'pending', now() - interval '1 minute'
        FROM payment_queue WHERE id = '11111111-1111-4111-8111-111111111111'
        """

    private func legacyDatabase() throws -> PostgresConnection {
        let conn = try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "upgrade"))
        try conn.execute(try String(contentsOfFile: Self.root + "/Tests/PaymentStoreTests/Fixtures/replaced-system-database.sql", encoding: .utf8))
        try conn.execute(Self.waitingDuplicate)
        return conn
    }

    private func migrations() throws -> [Migration] {
        try Migration.load(directory: Self.root + "/migrations")
    }

    func testTheSurveyPredictsWhatTheMigrationsDoToTheRows() throws {
        let conn = try legacyDatabase()
        defer { conn.close() }
        let survey = try LegacySurvey.read(try migrations(), on: conn)
        XCTAssertEqual(survey.plan.applied, [])
        XCTAssertEqual(survey.plan.pending, try migrations().map(\.version))
        XCTAssertEqual(survey.statusCounts, ["completed": 2, "sent": 1, "pending": 2, "confirmation_failed": 1, "processing": 1])
        XCTAssertEqual(survey.statusCountsAfter, ["completed": 2, "sent": 1, "pending": 1, "confirmation_failed": 1, "processing": 1, "failed": 1])
        XCTAssertEqual(survey.keyed, 5)
        XCTAssertEqual(survey.duplicatesFailed, 1, "the pending copy of a completed authorization")
        XCTAssertEqual(survey.duplicatesKept, 1, "the reverted replay of 0x44…, settled")
        XCTAssertEqual(survey.unreadableNonce, 0)
        XCTAssertEqual(survey.stuckSent, 1)
        XCTAssertEqual(survey.mintCounts, ["completed": 1])
        XCTAssertEqual(survey.mintJobsWithoutPayment, 1)
        XCTAssertEqual(survey.settings["payment_batch_interval_ms"], "2000")
        XCTAssertFalse(survey.settlementColumnsPresent)

        try MigrationRunner(migrations: try migrations()).apply(on: conn)
        var after: [String: Int] = [:]
        for row in try conn.query("SELECT status, count(*) AS n FROM payment_queue GROUP BY status").rows {
            after[try row.string("status")] = Int(try row.int64("n"))
        }
        XCTAssertEqual(after, survey.statusCountsAfter, "the prediction is what the migrations did")
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM payment_queue WHERE auth_nonce IS NOT NULL").first?.int64("n"), Int64(survey.keyed))
        XCTAssertEqual(try conn.query("SELECT id::text AS id FROM payment_queue WHERE error LIKE 'duplicate of another queued payment%'")
            .rows.map { try $0.string("id") }, ["77777777-7777-4777-8777-777777777777"])

        let again = try LegacySurvey.read(try migrations(), on: conn)
        XCTAssertEqual(again.plan.pending, [])
        XCTAssertTrue(again.settlementColumnsPresent)
        XCTAssertEqual(again.statusCountsAfter, again.statusCounts, "nothing left to change")
    }

    func testReadingWritesNothing() throws {
        let conn = try legacyDatabase()
        defer { conn.close() }
        let digest = """
            SELECT (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public') AS tables,
                   (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM payment_queue t) AS payments,
                   (SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM system_settings t) AS settings
            """
        let before = try conn.query(digest).first.map { [try $0.text("tables"), try $0.text("payments"), try $0.text("settings")] }
        _ = try LegacySurvey.read(try migrations(), on: conn)
        _ = try MigrationPlan.read(try migrations(), on: conn)
        let after = try conn.query(digest).first.map { [try $0.text("tables"), try $0.text("payments"), try $0.text("settings")] }
        XCTAssertEqual(before, after)
        XCTAssertFalse(try XCTUnwrap(after?[0]).contains("schema_migrations"), "not even the migrations table is created")
    }

    func testTheReportSaysWhatHappensToEachKindOfRow() throws {
        let conn = try legacyDatabase()
        defer { conn.close() }
        let text = LegacySurveyReport.render(try LegacySurvey.read(try migrations(), on: conn))
        for line in [
            "migrations: none applied yet (a database of the replaced system); ", "to apply: 001_system_settings, 002_mint_queue,",
            "payment_queue: 7 rows",
            "  status                now  after  then",
            "  pending                 2      1  sent by paymentd like new payments (simulated first)",
            "  failed                  0      1  kept as they are",
            "  1 waiting duplicate(s) of another row's authorization will be FAILED",
            "  1 sent row(s) are older than 5 minutes",
            "mint_queue: 1 job(s) (completed 1)",
            "Nothing was written.",
        ] {
            XCTAssertTrue(text.contains(line), "missing '\(line)' in\n\(text)")
        }
    }

    func testADryRunRefusesWhatTheRunnerWouldRefuse() throws {
        let conn = try legacyDatabase()
        defer { conn.close() }
        var migrations = try migrations()
        try MigrationRunner(migrations: migrations).apply(on: conn)
        XCTAssertEqual(try MigrationPlan.read(migrations, on: conn).pending, [])
        migrations[6] = Migration(version: migrations[6].version, sql: migrations[6].sql + "\n-- edited")
        XCTAssertThrowsError(try MigrationPlan.read(migrations, on: conn)) { error in
            XCTAssertEqual((error as? MigrationError)?.code, "migration_changed")
        }
        XCTAssertThrowsError(try MigrationPlan.read(Array(migrations.prefix(3)), on: conn)) { error in
            XCTAssertEqual((error as? MigrationError)?.code, "migration_unknown", "a database newer than the release")
        }
    }
}
