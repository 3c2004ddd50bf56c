import Postgres
import TestHarness
import XCTest

final class PostgresConnectionTests: XCTestCase {
    private func freshConnection() throws -> PostgresConnection {
        try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase())
    }

    func testParameterizedQueryReturnsTypedValues() throws {
        let conn = try freshConnection()
        let rows = try conn.query("SELECT $1::int8 + 1 AS n, $2::text AS s, NULL::text AS missing, true AS flag", ["41", "it's \"quoted\""])
        let row = try XCTUnwrap(rows.first)
        XCTAssertEqual(try row.int64("n"), 42)
        XCTAssertEqual(try row.string("s"), "it's \"quoted\"")
        XCTAssertNil(try row.text("missing"))
        XCTAssertTrue(try row.bool("flag"))
    }

    func testParametersAreNeverInterpolated() throws {
        let conn = try freshConnection()
        try conn.execute("CREATE TABLE t (v text)")
        try conn.query("INSERT INTO t VALUES ($1)", ["x'); DROP TABLE t; --"])
        XCTAssertEqual(try conn.query("SELECT v FROM t").first?.string("v"), "x'); DROP TABLE t; --")
    }

    func testUniqueViolationIsTyped() throws {
        let conn = try freshConnection()
        try conn.execute("CREATE TABLE t (k text CONSTRAINT t_k_key UNIQUE)")
        try conn.query("INSERT INTO t VALUES ($1)", ["a"])
        XCTAssertThrowsError(try conn.query("INSERT INTO t VALUES ($1)", ["a"])) { error in
            guard case .server(let server) = error as? PostgresError else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(server.isUniqueViolation)
            XCTAssertEqual(server.constraint, "t_k_key")
            XCTAssertEqual((error as? PostgresError)?.code, "database_unique_violation")
        }
    }

    func testTransactionRollsBackOnError() throws {
        let conn = try freshConnection()
        try conn.execute("CREATE TABLE t (v int)")
        struct Boom: Error {}
        XCTAssertThrowsError(try conn.transaction { tx in
            try tx.query("INSERT INTO t VALUES (1)")
            throw Boom()
        })
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM t").first?.int64("n"), 0)
        _ = try conn.transaction { tx in try tx.query("INSERT INTO t VALUES (2)") }
        XCTAssertEqual(try conn.query("SELECT count(*) AS n FROM t").first?.int64("n"), 1)
    }

    func testAffectedRowsCountsUpdatedRows() throws {
        let conn = try freshConnection()
        try conn.execute("CREATE TABLE t (v int); INSERT INTO t SELECT generate_series(1, 5)")
        XCTAssertEqual(try conn.query("UPDATE t SET v = v + 1 WHERE v > $1", ["2"]).affectedRows, 3)
    }

    func testArrayLiteralRoundTripsThroughUnnest() throws {
        let conn = try freshConnection()
        let values: [String?] = ["plain", "with \"quote\"", "back\\slash", nil, "comma,brace}{"]
        let rows = try conn.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i", [PostgresArrayLiteral.encode(values)])
        XCTAssertEqual(try rows.rows.map { try $0.text("v") }, values)
    }

    func testConnectFailureSaysWhy() {
        XCTAssertThrowsError(try PostgresConnection(conninfo: "host=/nonexistent-dir dbname=x")) { error in
            XCTAssertEqual((error as? PostgresError)?.code, "database_unavailable")
            XCTAssertTrue(String(describing: error).contains("Could not connect"))
        }
    }

    func testTerminatedBackendIsReportedAsConnectionLost() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase()
        let victim = try PostgresConnection(conninfo: conninfo)
        let pid = try victim.query("SELECT pg_backend_pid() AS pid").first!.string("pid")
        let admin = try PostgresConnection(conninfo: conninfo)
        try admin.query("SELECT pg_terminate_backend($1::int)", [pid])
        XCTAssertThrowsError(try victim.query("SELECT 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.isConnectionFailure, true, "\(error)")
        }
    }
}
