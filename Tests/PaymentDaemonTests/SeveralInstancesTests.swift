import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Several `paymentd` instances on one database (issue 13, scale-out): the signer lanes are
/// shared out by PostgreSQL advisory locks, one instance holds the coordinator's work, and
/// when one instance is SIGKILLed mid-load the others take its lanes over within seconds:
/// every payment settles once, and no nonce is recorded twice.
final class SeveralInstancesTests: XCTestCase {
    private func start(_ bed: DaemonTestbed, _ name: String) async throws -> (PaymentdProcess, PaymentdClient) {
        let socket = bed.workspace.directory + "/\(name).sock"
        let daemon = try await bed.startDaemon(.init(environment: ["PAYMENTD_INSTANCE_NAME": name], extraArguments: ["--socket", socket]))
        return (daemon, PaymentdClient(socketPath: socket, requestTimeout: .seconds(60)))
    }

    /// (signer, nonce) pairs recorded on more than one payment.
    private func doubledNonces(_ bed: DaemonTestbed) throws -> Int64 {
        let conn = try bed.database()
        defer { conn.close() }
        return try conn.query("""
            SELECT count(*) AS n FROM (SELECT lower(signer), nonce FROM payment_queue WHERE nonce IS NOT NULL
                                       GROUP BY 1, 2 HAVING count(*) > 1) d
            """).first!.int64("n")
    }

    private func laneHolders(_ client: PaymentdClient) async throws -> [String: String] {
        try await client.stats().leases.filter { $0.key.hasPrefix("lane:") }
    }

    func testThreeInstancesShareTheLanesAndSurviveOneKilledMidLoad() async throws {
        let bed = try await DaemonTestbed()
        let batch = try PaymentBatch(bed, count: 150)
        var instances: [(name: String, daemon: PaymentdProcess, client: PaymentdClient)] = []
        for name in ["alpha", "bravo", "charlie"] {
            let (daemon, client) = try await start(bed, name)
            instances.append((name, daemon, client))
        }
        try await bed.allowManyPendingPayments(instances[0].client)

        // Four lanes over three instances: nobody holds more than two, every lane is held.
        try await bed.wait("the lanes to be shared out", seconds: 60) {
            let holders = try await self.laneHolders(instances[0].client)
            let perInstance = Dictionary(grouping: holders.values, by: { $0 }).mapValues(\.count)
            return holders.count == 4 && perInstance.count == 3 && perInstance.values.allSatisfy { $0 <= 2 }
        }
        let coordinator = try await instances[0].client.stats().leases["coordinator"]
        XCTAssertNotNil(coordinator, "one instance holds the coordinator's lease")

        // The load arrives through all three sockets; one instance dies in the middle of it.
        let clients = instances.map(\.client)
        let parts = [0..<50, 50..<100, 100..<150].map { PaymentBatch(batch, range: $0) }
        var enqueueing: [Task<(acknowledged: Int, failures: [String]), Never>] = []
        for (part, client) in zip(parts, clients) { enqueueing.append(Task { await part.enqueueAll(client) }) }
        try await bed.wait("payments in flight", seconds: 60) {
            let counts = try bed.statusCounts()
            return (counts["sent"] ?? 0) + (counts["completed"] ?? 0) >= 20
        }
        let victim = instances.first { $0.name != coordinator }!
        victim.daemon.kill9()
        for task in enqueueing { _ = await task.value }

        // The survivors take the victim's lanes over and settle everything.
        let survivors = instances.filter { $0.name != victim.name }
        try await bed.wait("the victim's lanes taken over", seconds: 30) {
            let holders = try await self.laneHolders(survivors[0].client)
            return holders.count == 4 && !holders.values.contains(victim.name)
        }
        let again = await batch.enqueueAll(survivors[0].client)
        XCTAssertEqual(again.failures, [], "re-enqueueing the whole batch with its idempotency keys")
        try await batch.waitUntilSettled(bed)
        try batch.verifySettledExactlyOnce(bed)

        XCTAssertEqual(try doubledNonces(bed), 0, "no nonce recorded twice")
        for survivor in survivors {
            await survivor.client.close()
            survivor.daemon.signal(SIGTERM)
            let status = try await survivor.daemon.waitForExit(timeout: 120)
            XCTAssertEqual(status, 0, survivor.daemon.logTail())
        }
    }

    /// Issue 13: PostgreSQL restarted twice under load with three instances on it. A restart
    /// ends every session, and with them the advisory locks that lease the lanes and the
    /// coordinator's work: each instance must notice, stop using what it no longer holds, take
    /// leases again, and carry on. Every payment settles exactly once, no nonce is recorded
    /// twice, and every instance is still running and stops cleanly. Also pins that a live
    /// setting changed through one instance reaches the others (`SettingsPoller`): before it,
    /// the other two kept refusing with `too_many_pending` after the limit was raised.
    func testThreeInstancesRideOutPostgresRestartsUnderLoad() async throws {
        let bed = try await DaemonTestbed()
        let batch = try PaymentBatch(bed, count: 150)
        var instances: [(name: String, daemon: PaymentdProcess, client: PaymentdClient)] = []
        for name in ["delta", "echo", "foxtrot"] {
            let (daemon, client) = try await start(bed, name)
            instances.append((name, daemon, client))
        }
        let applied = "settings changed in the database; applied"
        let appliedBefore = instances[2].daemon.log().components(separatedBy: applied).count
        try await bed.allowManyPendingPayments(instances[0].client)
        try await bed.wait("the lanes to be shared out", seconds: 60) { try await self.laneHolders(instances[0].client).count == 4 }
        // The limit was raised through delta; foxtrot takes twelve from one buyer (above the
        // default ten) once its poller brought the new value over, which it logs. (Only the
        // poller logs this line: delta applied its own change without polling.)
        try await bed.wait("foxtrot's settings poller to apply the raised limit", seconds: 60) {
            instances[2].daemon.log().components(separatedBy: applied).count > appliedBefore
        }
        for index in stride(from: 0, to: 96, by: 8) {
            _ = try await instances[2].client.enqueue(batch.requests[index])
        }

        let parts = [0..<50, 50..<100, 100..<150].map { PaymentBatch(batch, range: $0) }
        var enqueueing: [Task<(acknowledged: Int, failures: [String]), Never>] = []
        for (part, client) in zip(parts, instances.map(\.client)) { enqueueing.append(Task { await part.enqueueAll(client, parallel: 4) }) }
        for round in 1...2 {
            try await bed.wait("payments in flight before restart \(round)", seconds: 60) {
                let counts = try bed.statusCounts()
                return (counts["sent"] ?? 0) + (counts["completed"] ?? 0) >= 20 * round
            }
            try await BlockingWork.run { try ThrowawayPostgres.shared().restart() }
        }
        var refusals: [String] = []
        for task in enqueueing { refusals += await task.value.failures }
        print("enqueues refused during the restarts: \(refusals.count) \(Set(refusals))")
        XCTAssertTrue(Set(refusals).isSubset(of: ["database_unavailable"]), "only refusals a client retries: \(Set(refusals))")

        // Whatever was refused goes again under its key; everything settles exactly once.
        try await bed.wait("every payment accepted", seconds: 120) { await batch.enqueueAll(instances[1].client).failures.isEmpty }
        try await batch.waitUntilSettled(bed)
        try batch.verifySettledExactlyOnce(bed)
        XCTAssertEqual(try doubledNonces(bed), 0, "no nonce recorded twice")
        // A lane whose lease session died in the last restart is taken again at its instance's
        // next lease round (`LeaseKeeper.interval`, 2 s), which the settling may beat: waited for,
        // with a deadline of many rounds, instead of read once.
        try await bed.wait("every lane leased again after the restarts", seconds: 30) {
            try await self.laneHolders(instances[2].client).count == 4
        }
        let holders = try await laneHolders(instances[2].client)
        XCTAssertEqual(holders.count, 4, "every lane leased again after the restarts: \(holders)")
        for instance in instances {
            XCTAssertTrue(instance.daemon.isRunning, "\(instance.name) survived the restarts: \(instance.daemon.logTail())")
            await instance.client.close()
            instance.daemon.signal(SIGTERM)
            let status = try await instance.daemon.waitForExit(timeout: 120)
            XCTAssertEqual(status, 0, instance.daemon.logTail())
        }
    }
}
