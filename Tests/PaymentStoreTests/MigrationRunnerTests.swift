import Foundation
import PaymentStore
import Postgres
import TestHarness
import XCTest

final class MigrationRunnerTests: XCTestCase {
    private func database() throws -> PostgresConnection {
        try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "migrations"))
    }

    private func directory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/migrations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testAppliesFilesInNameOrderAndRecordsThem() throws {
        let conn = try database()
        let dir = try directory([
            "002_add_column.sql": "ALTER TABLE a ADD COLUMN b int;",
            "001_create.sql": "CREATE TABLE a (id int);",
            "README.txt": "not a migration",
        ])
        let applied = try MigrationRunner(directory: dir).apply(on: conn)
        XCTAssertEqual(applied, ["001_create", "002_add_column"])
        let versions = try conn.query("SELECT version FROM schema_migrations ORDER BY version").rows.map { try $0.string("version") }
        XCTAssertEqual(versions, ["001_create", "002_add_column"])
        try conn.query("INSERT INTO a (id, b) VALUES (1, 2)")
    }

    func testSecondRunAppliesNothing() throws {
        let conn = try database()
        let dir = try directory(["001_create.sql": "CREATE TABLE a (id int);"])
        XCTAssertEqual(try MigrationRunner(directory: dir).apply(on: conn), ["001_create"])
        XCTAssertEqual(try MigrationRunner(directory: dir).apply(on: conn), [])
    }

    func testAppliesOnlyNewFilesOnUpgrade() throws {
        let conn = try database()
        let dir = try directory(["001_create.sql": "CREATE TABLE a (id int);"])
        try MigrationRunner(directory: dir).apply(on: conn)
        try "ALTER TABLE a ADD COLUMN b int;".write(toFile: dir + "/002_more.sql", atomically: true, encoding: .utf8)
        XCTAssertEqual(try MigrationRunner(directory: dir).apply(on: conn), ["002_more"])
    }

    func testRefusesChangedAppliedFile() throws {
        let conn = try database()
        let dir = try directory(["001_create.sql": "CREATE TABLE a (id int);"])
        try MigrationRunner(directory: dir).apply(on: conn)
        try "CREATE TABLE a (id bigint);".write(toFile: dir + "/001_create.sql", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MigrationRunner(directory: dir).apply(on: conn)) { error in
            guard case .changedAfterApply(let version, _, _) = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(version, "001_create")
            XCTAssertEqual((error as? MigrationError)?.code, "migration_changed")
        }
    }

    func testRefusesDatabaseNewerThanFiles() throws {
        let conn = try database()
        let dir = try directory(["001_create.sql": "CREATE TABLE a (id int);", "002_more.sql": "SELECT 1;"])
        try MigrationRunner(directory: dir).apply(on: conn)
        try FileManager.default.removeItem(atPath: dir + "/002_more.sql")
        XCTAssertThrowsError(try MigrationRunner(directory: dir).apply(on: conn)) { error in
            XCTAssertEqual(error as? MigrationError, .unknownAppliedMigration(version: "002_more"))
        }
    }

    func testFailedMigrationLeavesNothingBehind() throws {
        let conn = try database()
        let dir = try directory([
            "001_create.sql": "CREATE TABLE a (id int);",
            "002_broken.sql": "CREATE TABLE b (id int); INSERT INTO nowhere VALUES (1);",
        ])
        XCTAssertThrowsError(try MigrationRunner(directory: dir).apply(on: conn)) { error in
            guard case .failed(let version, _) = error as? MigrationError else { return XCTFail("\(error)") }
            XCTAssertEqual(version, "002_broken")
        }
        XCTAssertEqual(try conn.query("SELECT to_regclass('b') IS NULL AS gone").first?.bool("gone"), true)
        let versions = try conn.query("SELECT version FROM schema_migrations").rows.map { try $0.string("version") }
        XCTAssertEqual(versions, ["001_create"])
    }

    func testEmptyDirectoryIsAnError() throws {
        let dir = try directory([:])
        XCTAssertThrowsError(try MigrationRunner(directory: dir)) { error in
            XCTAssertEqual((error as? MigrationError)?.code, "migrations_unreadable")
        }
    }
}
