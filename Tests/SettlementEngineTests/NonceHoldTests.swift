import ChainClient
import Ethereum
import Foundation
import JSON
import PaymentModel
@testable import SettlementEngine
import TestHarness
import XCTest

/// A nonce some record holds — a payment of any status, a mint batch, a filler — is re-used
/// only by the bytes recorded for it (issue 8, item 3; DESIGN invariant 7).
final class NonceHoldTests: XCTestCase {
    /// A payment completed by a front-run while our own transaction for it, at nonce n, was
    /// dropped from the pool: n is a gap that stalls the signer. Before, the gap check looked at
    /// unsettled payments only, released n, and handed it to a new payment: its insert hit the
    /// unique (signer, nonce) index held by the completed row and the send loop failed on every
    /// iteration for good. Now the completed row's bytes are broadcast again at n.
    func testNonceOfACompletedPaymentWhoseTransactionWasDroppedIsNotHandedToAnother() async throws {
        let signer = try PrivateKey(hex: EngineTestbed.sharedChain.get().signers[3].privateKey)
        let testbed = try await EngineTestbed(signerKeys: [signer], settings: ["rebroadcast_after_seconds": "2", "fee_bump_after_seconds": "3600"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        try testbed.pauseMining(in: self)
        try await testbed.start()

        let frontRun = try testbed.request(buyer: try testbed.buyerKey(2))
        let first = try await testbed.engine.enqueue(frontRun)
        try await testbed.wait("our transaction is in the pool") { try await testbed.engine.status(paymentID: first.paymentID).status == .sent }
        let ours = try await testbed.engine.status(paymentID: first.paymentID)
        let (transfer, signature) = try FrontRunner.authorization(frontRun)
        let theirs = try await FrontRunner(testbed: testbed).sign(to: testbed.usdc, data: USDCCalldata.transferWithAuthorization(transfer, signature: signature),
                                                                gas: 200_000)
        _ = try await testbed.rpc.sendRawTransactions([theirs.raw])
        try testbed.chain.control("anvil_dropTransaction", [.string(ours.txHash!)])
        try testbed.resumeMining()
        try await testbed.wait("completed by the front-run") { try await testbed.engine.status(paymentID: first.paymentID).txHash == theirs.hash.hex }
        let completed = try await testbed.engine.status(paymentID: first.paymentID)
        XCTAssertEqual(completed.nonce, ours.nonce, "the completed row still records nonce n")

        // More payments take n+1, n+2, ... and wait behind the gap at n.
        var later: [String] = []
        for index in 0..<3 { later.append(try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(3 + index))).paymentID) }
        try await testbed.wait("the later payments wait in the pool") {
            for id in later where try await testbed.engine.status(paymentID: id).status != .sent { return false }
            return true
        }
        // New signing held back (no fee fits), so the gap stays open until it is noticed, with
        // a payment pending to hand it to. Noticed means: the stall watch suspected n and the
        // sender found the completed row's bytes recorded at it and broadcast them again, the
        // only way our dropped hash reaches the node again. (A sender that released the gap
        // instead would never broadcast it, and this wait would time out.)
        _ = try await testbed.engine.updateSetting(key: "max_fee_per_gas_wei", value: "1")
        let oursHash = try Bytes32(hex: try XCTUnwrap(ours.txHash))
        try await testbed.wait("the gap at n noticed and filled with the completed row's own bytes") {
            try await testbed.rpc.transaction(oursHash) != nil
        }
        later.append(try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(7))).paymentID)
        _ = try await testbed.engine.updateSetting(key: "max_fee_per_gas_wei", value: "500000000000")

        try await testbed.wait("every later payment completed", seconds: 90) {
            for id in later where try await testbed.engine.status(paymentID: id).status != .completed { return false }
            return true
        }
        let nonces = try testbed.database().query("SELECT nonce FROM payment_queue WHERE nonce IS NOT NULL").rows.map { try $0.int64("nonce") }
        XCTAssertEqual(Set(nonces).count, nonces.count, "no nonce recorded twice")
        let receipt = try await testbed.rpc.receipt(try Bytes32(hex: ours.txHash!))
        XCTAssertEqual(receipt?.succeeded, false, "n was filled by the completed payment's own bytes (a harmless revert)")
        let final = try await testbed.engine.status(paymentID: first.paymentID)
        XCTAssertEqual(final.status, .completed)
        await testbed.stop()
    }
}
