import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// The EIP-3009 nonce is the payer's to choose and binds neither recipient nor value: a payer
/// can queue an authorization to us and then spend its nonce on a transfer to himself. The
/// `AuthorizationUsed` event alone must never count as payment.
final class SameNonceAttackTests: XCTestCase {
    private func attack(simulate: Bool) async throws -> (EngineTestbed, PaymentSnapshot) {
        let testbed = try await EngineTestbed(settings: ["simulate_before_send": simulate ? "true" : "false"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.engine.prepare(migrationsDirectory: EngineTestbed.repositoryRoot + "/migrations")
        let payer = try testbed.buyerKey(2)
        let toUs = try testbed.request(buyer: payer)
        let nonce = try Bytes32(hex: toUs.authorization.nonce)
        let payment = try await testbed.engine.enqueue(toUs)
        // The same nonce, spent on 1 unit to himself, mined before paymentd relays the first.
        let toHimself = try testbed.request(buyer: payer, value: 1, to: payer.address, nonce: nonce)
        try await FrontRunner(testbed: testbed).relay(toHimself)
        testbed.startLoops()
        try await testbed.wait("the unpaid payment reaches a terminal state") {
            let status = try await testbed.engine.status(paymentID: payment.paymentID).status
            return status == .failed || status == .confirmationFailed || status == .completed
        }
        return (testbed, try await testbed.engine.status(paymentID: payment.paymentID))
    }

    func testNonceSpentOnAnotherTransferIsNotPaymentWhenSimulated() async throws {
        let (testbed, snapshot) = try await attack(simulate: true)
        XCTAssertEqual(snapshot.status, .failed, "nothing reached the receiver: \(snapshot.error ?? "")")
        XCTAssertTrue(snapshot.mints.isEmpty)
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM mint_queue").first!.int64("n"), 0)
    }

    func testNonceSpentOnAnotherTransferIsNotPaymentWhenOurTransactionReverts() async throws {
        let (testbed, snapshot) = try await attack(simulate: false)
        XCTAssertEqual(snapshot.status, .confirmationFailed, "nothing reached the receiver: \(snapshot.error ?? "")")
        XCTAssertTrue(snapshot.mints.isEmpty)
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM mint_queue").first!.int64("n"), 0)
    }
}
