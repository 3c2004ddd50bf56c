import Ethereum
import Foundation
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Issue 19: a facilitator `/settle` answers with the transaction hash, so its payment is signed
/// ahead of the queue (`sign_first`), not behind every payment enqueued before it.
final class SignFirstTests: XCTestCase {
    func testASignFirstPaymentTakesTheNextFreeNonceAheadOfOlderPendingPayments() async throws {
        // One signer with room for one unmined transaction: the queue order decides who signs next.
        let signer = try PrivateKey(hex: EngineTestbed.sharedChain.get().signers[0].privateKey)
        let testbed = try await EngineTestbed(signerKeys: [signer], settings: ["max_in_flight_per_signer": "1"])
        try await testbed.drainPool()
        try testbed.pauseMining(in: self)
        try await testbed.start()
        addTeardownBlock { await testbed.stop() }
        let first = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(0), idempotencyKey: "first"))
        try await testbed.wait("the first payment sent") { try testbed.count(.sent) == 1 }
        var queued: [String] = []
        for buyer in 1...3 {
            queued.append(try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(buyer), idempotencyKey: "queued-\(buyer)")).paymentID)
        }
        var urgent = try testbed.request(buyer: try testbed.buyerKey(4), idempotencyKey: "urgent")
        urgent.signFirst = true
        let ahead = try await testbed.engine.enqueue(urgent)
        try testbed.resumeMining()
        try await testbed.wait("all five completed") { try testbed.count(.completed) == 5 }
        let nonces = try Dictionary(uniqueKeysWithValues: testbed.database().query("SELECT id::text AS id, nonce FROM payment_queue").rows.map {
            (try $0.string("id"), try $0.int64("nonce"))
        })
        let firstNonce = try XCTUnwrap(nonces[first.paymentID])
        XCTAssertEqual(nonces[ahead.paymentID], firstNonce + 1, "the sign_first payment was not signed next: \(nonces)")
        for id in queued { XCTAssertGreaterThan(try XCTUnwrap(nonces[id]), firstNonce + 1) }
    }
}
