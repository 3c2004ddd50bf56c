import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import XCTest

/// The operator guide's backup procedure against the real daemon: `pg_dump --format=custom`
/// while it runs, `pg_restore` into another database, and a daemon started on the restore. The
/// chain moved on after the backup (a payment settled that the dump does not hold), so the
/// restored daemon must take its nonces from the chain and keep settling.
final class BackupTests: XCTestCase {
    func testADumpTakenWhileTheDaemonRunsRestoresIntoADatabaseADaemonResumesFrom() async throws {
        let bed = try await DaemonTestbed()
        let postgres = try ThrowawayPostgres.shared()
        let daemon = try await bed.startDaemon()
        let client = bed.client()
        let before = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(3), quantity: 2))
        try await waitUntilMinted(before.paymentID, bed, client)

        let dump = bed.workspace.directory + "/paymentd.dump"
        let dumped = try await BlockingWork.run {
            try ChildProcess.run(postgres.clientProgram("pg_dump"), ["--format=custom", "--file=\(dump)", bed.databaseURL])
        }
        XCTAssertEqual(dumped.status, 0, dumped.description)
        // Settled after the backup: on chain, not in the dump.
        let after = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(4)))
        try await waitUntilMinted(after.paymentID, bed, client)
        await client.close()
        let stopped = await daemon.terminate()
        XCTAssertEqual(stopped, 0, daemon.logTail())

        let restoredURL = try postgres.makeDatabase(prefix: "restored")
        let restored = try await BlockingWork.run {
            try ChildProcess.run(postgres.clientProgram("pg_restore"), ["--dbname=\(restoredURL)", dump])
        }
        XCTAssertEqual(restored.status, 0, restored.description)
        let config = try bed.workspace.writeConfig(named: "restored.conf", overrides: ["database_url": restoredURL])
        let resumed = try await bed.startDaemon(.init(arguments: ["--config", config]))
        let again = bed.client()
        let kept = try await again.status(paymentID: before.paymentID)
        XCTAssertEqual(kept.status, .completed)
        XCTAssertEqual(kept.mints.map(\.status), [.completed, .completed])
        do {
            _ = try await again.status(paymentID: after.paymentID)
            XCTFail("a payment accepted after the backup is not in the restore")
        } catch {
            XCTAssertEqual(error.code, "not_found")
        }
        // The relayer's nonce moved on after the dump; a new payment still settles.
        let next = try await again.enqueue(try bed.request(buyer: try bed.buyerKey(5)))
        try await waitUntilMinted(next.paymentID, bed, again)
        await again.close()
        let status = await resumed.terminate()
        XCTAssertEqual(status, 0, resumed.logTail())
    }

    private func waitUntilMinted(_ id: String, _ bed: DaemonTestbed, _ client: PaymentdClient) async throws {
        try await bed.wait("payment \(id) to complete and mint", seconds: 120) {
            let payment = try await client.status(paymentID: id)
            return payment.status == .completed && !payment.mints.isEmpty && payment.mints.allSatisfy { $0.status == .completed }
        }
    }
}
