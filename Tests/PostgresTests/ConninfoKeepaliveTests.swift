import Postgres
import TestHarness
import XCTest

/// The lease session's keepalives (issue 16, found by reading): both connection-string forms
/// get the client's half without losing what they say, and a real session connects with them
/// and runs the server's half. (Not shown here: a blackholed TCP connection ended within
/// seconds; the harness's PostgreSQL has no TCP listener.)
final class ConninfoKeepaliveTests: XCTestCase {
    func testBothFormsGetTheKeepalivesTheyDoNotNameAlready() {
        XCTAssertEqual(ConninfoKeepalive.applied(to: "host=db dbname=paymentd"),
                       "host=db dbname=paymentd keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000")
        XCTAssertEqual(ConninfoKeepalive.applied(to: "postgresql://u@db/paymentd"),
                       "postgresql://u@db/paymentd?keepalives=1&keepalives_idle=2&keepalives_interval=1&keepalives_count=3&tcp_user_timeout=5000")
        XCTAssertEqual(ConninfoKeepalive.applied(to: "postgres://db/p?sslmode=require&keepalives_idle=30"),
                       "postgres://db/p?sslmode=require&keepalives_idle=30&keepalives=1&keepalives_interval=1&keepalives_count=3&tcp_user_timeout=5000",
                       "the operator's own value stays")
        XCTAssertEqual(ConninfoKeepalive.applied(to: " host=db keepalives=0 "),
                       "host=db keepalives=0 keepalives_idle=2 keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000")
        XCTAssertEqual(ConninfoKeepalive.applied(to: ""),
                       "keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=3 tcp_user_timeout=5000")
    }

    func testASessionConnectsWithThemAndTheServerTakesItsHalf() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "keepalive")
        let conn = try PostgresConnection(conninfo: ConninfoKeepalive.applied(to: conninfo))
        let set = try conn.query(ConninfoKeepalive.serverSettingsSQL).rows.count
        XCTAssertEqual(set, 4, "every setting is known to this server")
        // (The harness's server listens on a Unix socket only, where PostgreSQL ignores these
        // settings and reads them as 0; over TCP they take effect.)
    }
}
