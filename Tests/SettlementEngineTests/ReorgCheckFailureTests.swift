import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// Found by reading (issue 16): a persistent error in the reorg check failed every confirm
/// iteration, which stopped the confirm loop's heartbeat: under systemd the watchdog then
/// restarts the daemon in a loop, for what no restart fixes. A check that cannot run is
/// reported; the loop goes on.
final class ReorgCheckFailureTests: XCTestCase {
    func testAnUnreadableRecordedBlockDoesNotStopTheConfirmLoop() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.drainPool()
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        let first = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(1)))
        try await testbed.wait("a payment completed") { try await testbed.engine.status(paymentID: first.paymentID).status == .completed }
        // Its recorded settlement block, not final yet, made unreadable (as a hand edit would).
        try testbed.database().query("UPDATE payment_queue SET confirmed_block_hash = 'not a hash', finalized = false WHERE id = $1::uuid",
                                     [first.paymentID])
        let beats = testbed.engine.heartbeats.beats(.confirm)
        try await testbed.wait("the confirm loop to go round three more times") { testbed.engine.heartbeats.beats(.confirm) >= beats + 3 }
        let second = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(2)))
        try await testbed.wait("the next payment completed") { try await testbed.engine.status(paymentID: second.paymentID).status == .completed }
    }
}
