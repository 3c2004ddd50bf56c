import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Found by reading (issue 16): the mint loop reset the minter's in-flight count to none every
/// iteration, so `max_in_flight_per_signer` never held for it: unmined batches could pile up.
final class MinterInFlightTests: XCTestCase {
    func testTheMinterSendsNoMoreUnminedBatchesThanMaxInFlight() async throws {
        // Mints held back until both payments are settled; then one job per batch.
        let testbed = try await EngineTestbed(settings: ["mint_confirmations": "100000", "max_batch_size": "1"])
        try await testbed.drainPool()
        try await testbed.engine.reloadSettings()
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        for buyer in 0..<2 {
            _ = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "in-flight-\(buyer)"))
        }
        try await testbed.wait("both payments completed") { try testbed.count(.completed) == 2 }
        try testbed.pauseMining(in: self)
        for (key, value) in [("max_in_flight_per_signer", "1"), ("mint_confirmations", "1")] {
            try SystemSettings.set(key: key, value: value, description: nil, on: testbed.database())
        }
        try await testbed.engine.reloadSettings()
        try await testbed.wait("a first mint batch sent") {
            try testbed.database().query("SELECT count(*) AS n FROM mint_batches").first!.int64("n") >= 1
        }
        // Not a pause of some length: three mint iterations with that batch unmined.
        let beats = testbed.engine.heartbeats.beats(.mint)
        try await testbed.wait("the mint loop to go round three times") { testbed.engine.heartbeats.beats(.mint) >= beats + 3 }
        let batches = try testbed.database().query("SELECT count(*) AS n FROM mint_batches").first!.int64("n")
        XCTAssertEqual(batches, 1, "a second batch went out while the first was unmined (max_in_flight_per_signer 1)")
        try testbed.resumeMining()
        try await testbed.wait("both minted") {
            try testbed.database().query("SELECT count(*) AS n FROM mint_queue WHERE status = 'completed'").first!.int64("n") == 2
        }
    }
}
