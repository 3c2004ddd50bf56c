import PaymentStore
import Postgres
import TestHarness
import XCTest

/// Leases are session advisory locks: one holder at a time, named by its application_name,
/// and free the moment the holding session ends.
final class LeasesTests: XCTestCase {
    func testOneHolderAtATimeNamedAndFreedWhenItsSessionEnds() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "leases")
        let alpha = try PostgresConnection(conninfo: conninfo)
        try alpha.execute("SET application_name = '\(Leases.applicationPrefix)alpha'")
        let bravo = try PostgresConnection(conninfo: conninfo)
        try bravo.execute("SET application_name = '\(Leases.applicationPrefix)bravo'")
        let resources = (0..<40).map { "lane:0x\(String(format: "%040x", $0))" } + ["coordinator"]

        XCTAssertEqual(try Leases.liveInstances(on: alpha), ["alpha", "bravo"])
        for resource in resources { XCTAssertTrue(try Leases.tryAcquire(resource, on: alpha), resource) }
        for resource in resources { XCTAssertFalse(try Leases.tryAcquire(resource, on: bravo), resource) }
        let holders = try Leases.holders(of: resources, on: bravo)
        XCTAssertEqual(holders.count, resources.count, "every key found in pg_locks, negative hashes included")
        XCTAssertEqual(Set(holders.values), ["alpha"])

        try Leases.release(resources[0], on: alpha)
        XCTAssertTrue(try Leases.tryAcquire(resources[0], on: bravo))
        alpha.close()
        // The server notices the closed session at once; give it a moment to clean up.
        let deadline = Date().addingTimeInterval(10)
        while try Leases.liveInstances(on: bravo) != ["bravo"], Date() < deadline { usleep(50_000) }
        XCTAssertTrue(try Leases.tryAcquire(resources[1], on: bravo), "a dead session's leases are free")
        XCTAssertEqual(try Leases.holders(of: [resources[0], resources[1]], on: bravo), [resources[0]: "bravo", resources[1]: "bravo"])
    }
}
