import ChainClient
import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// A settlement is one pair of logs: the authorization's `AuthorizationUsed` and the Transfer
/// the token emits right after it. One pair pays one payment; one transaction (a multicall)
/// may carry several pairs and then pays several payments (issue 8, item 1).
final class OnePairPaysOneTests: XCTestCase {
    /// One item at the testbed's price: the price list refuses any other amount.
    private let value: UInt64 = EngineTestbed.unitPrice

    /// A testbed whose send loop is held back by a fee ceiling below any base fee, so the
    /// payments wait pending while someone else's transaction uses their authorizations.
    private func heldTestbed(_ settings: [String: String] = [:]) async throws -> EngineTestbed {
        let testbed = try await EngineTestbed(settings: ["max_fee_per_gas_wei": "1"].merging(settings) { $1 })
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try await testbed.start()
        return testbed
    }

    private func release(_ testbed: EngineTestbed) async throws {
        _ = try await testbed.engine.updateSetting(key: "max_fee_per_gas_wei", value: "500000000000")
    }

    private func terminal(_ testbed: EngineTestbed, _ ids: [String]) async throws -> [PaymentSnapshot] {
        try await testbed.wait("payments reach a terminal state") {
            for id in ids where ![.completed, .failed, .confirmationFailed].contains(try await testbed.engine.status(paymentID: id).status) {
                return false
            }
            return true
        }
        var snapshots: [PaymentSnapshot] = []
        for id in ids { snapshots.append(try await testbed.engine.status(paymentID: id)) }
        return snapshots
    }

    /// The drill that minted without payment: a payer queues two payments of value V, then in
    /// one multicall spends authorization 1 to the receiver and authorization 2's nonce on a
    /// transfer of 1 unit to himself. The receipt holds a Transfer(payer → receiver, V), but
    /// only next to authorization 1's AuthorizationUsed: payment 2 was not paid.
    func testMulticallPayingOneAuthorizationAndSpendingAnotherElsewherePaysOnlyTheFirst() async throws {
        let testbed = try await heldTestbed()
        let payer = try testbed.buyerKey(3)
        let receiver = testbed.configuration.receiver
        let before = try await testbed.usdcBalance(receiver)
        let first = try testbed.request(buyer: payer, value: value)
        let second = try testbed.request(buyer: payer, value: value)
        let ids = [try await testbed.engine.enqueue(first).paymentID, try await testbed.engine.enqueue(second).paymentID]
        let toHimself = try testbed.request(buyer: payer, value: 1, to: payer.address, nonce: try Bytes32(hex: second.authorization.nonce))
        let multicall = try await FrontRunner(testbed: testbed).multicall([first, toHimself])
        try await release(testbed)

        let snapshots = try await terminal(testbed, ids)
        XCTAssertEqual(snapshots[0].status, .completed)
        XCTAssertEqual(snapshots[0].txHash, multicall.hex)
        XCTAssertEqual(snapshots[0].mints.count, 1)
        XCTAssertEqual(snapshots[1].status, .failed, "payment 2 was never paid: \(snapshots[1].error ?? "")")
        XCTAssertTrue(snapshots[1].mints.isEmpty, "nothing is minted for an unpaid payment")
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM mint_queue").first!.int64("n"), 1)
        let after = try await testbed.usdcBalance(receiver)
        XCTAssertEqual(after - before, UInt256(value), "the receiver was paid once")
    }

    /// The converse: a facilitator's multicall settling three of our payments in one
    /// transaction completes all three, each by its own pair, all found in one tick.
    func testFacilitatorMulticallSettlingThreePaymentsCompletesEach() async throws {
        let testbed = try await heldTestbed()
        let requests = try (0..<3).map { try testbed.request(buyer: try testbed.buyerKey($0), value: value) }
        var ids: [String] = []
        for request in requests { ids.append(try await testbed.engine.enqueue(request).paymentID) }
        let multicall = try await FrontRunner(testbed: testbed).multicall(requests)
        try await release(testbed)

        let snapshots = try await terminal(testbed, ids)
        XCTAssertEqual(snapshots.map(\.status), [.completed, .completed, .completed])
        XCTAssertEqual(Set(snapshots.compactMap(\.txHash)), [multicall.hex])
        XCTAssertEqual(snapshots.map(\.mints.count), [1, 1, 1])
        let logIndexes = try testbed.database().query("SELECT settlement_log_index AS i FROM payment_queue ORDER BY i").rows.map { try $0.int64("i") }
        XCTAssertEqual(Set(logIndexes).count, 3, "each payment is paid by a pair of its own: \(logIndexes)")
    }

    /// The same, with the payments found one per tick (a batch of one): a transaction that
    /// already completed a payment still completes the others it paid.
    func testMulticallPaymentsFoundInDifferentTicksEachComplete() async throws {
        let testbed = try await heldTestbed(["payment_batch_size": "1"])
        let requests = try (3..<6).map { try testbed.request(buyer: try testbed.buyerKey($0), value: value) }
        var ids: [String] = []
        for request in requests { ids.append(try await testbed.engine.enqueue(request).paymentID) }
        let multicall = try await FrontRunner(testbed: testbed).multicall(requests)
        try await release(testbed)

        let snapshots = try await terminal(testbed, ids)
        XCTAssertEqual(snapshots.map(\.status), [.completed, .completed, .completed])
        XCTAssertEqual(Set(snapshots.compactMap(\.txHash)), [multicall.hex])
        let completedAt = try testbed.database().query("SELECT count(DISTINCT processed_at) AS n FROM payment_queue").first!.int64("n")
        XCTAssertGreaterThan(completedAt, 1, "the payments were completed in separate ticks")
    }
}
