import ChainClient
import Ethereum
import Foundation
import PaymentStore
@testable import SettlementEngine
import TestHarness
import XCTest

/// Found by reading (issue 16): fillers kept their first fees forever. A filler priced out by
/// a base-fee rise or a node's minimum tip holds a nonce every later transaction of its signer
/// waits behind, and it was broadcast again at the same price: the lane (or, for the minter's
/// filler, all minting) stalled for good. Now a waiting filler is signed again with higher
/// fees, recorded in place of the old bytes before it is broadcast.
final class FillerFeeBumpTests: XCTestCase {
    /// Records, for `key` at its mined nonce, a filler offering `tip` (below what miners take),
    /// signed long enough ago to be due a raise; returns its hash and nonce.
    private func recordUnderpricedFiller(_ testbed: EngineTestbed, key: PrivateKey, tip: UInt256) async throws -> (hash: Bytes32, nonce: UInt64) {
        let nonce = try await testbed.rpc.transactionCount(key.address)
        let fees = try await testbed.rpc.suggestFees(policy: FeePolicy(minimumPriorityFee: tip, blocks: 5))
        let signed = EIP1559Transaction(chainId: testbed.configuration.chainID, nonce: nonce, maxPriorityFeePerGas: tip,
                                        maxFeePerGas: max(fees.maxFeePerGas, tip), gasLimit: 21_000, to: key.address, value: .zero, data: [])
            .sign(with: key)
        let recorded = try NonceFillers.record([NonceFiller(signer: key.address, nonce: nonce, rawTx: signed.raw, txHash: signed.hash)],
                                               on: testbed.database())
        XCTAssertEqual(recorded.count, 1)
        return (signed.hash, nonce)
    }

    private func fillerHash(_ testbed: EngineTestbed, key: PrivateKey, nonce: UInt64) throws -> String? {
        try testbed.database().query("SELECT tx_hash FROM nonce_fillers WHERE lower(signer) = lower($1) AND nonce = $2",
                                     [key.address.checksummed, String(nonce)]).first?.text("tx_hash")
    }

    func testOnlyFillersSignedAtLeastTheBumpDelayAgoAreDue() throws {
        let key = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
        let now = Date(timeIntervalSince1970: 1_000_000)
        let fillers = try [(0, 59.9), (1, 60), (2, 600), (3, -5)].map { nonce, age in
            NonceFiller(signer: key.address, nonce: UInt64(nonce), rawTx: [], txHash: try Bytes32(bytes: [UInt8](repeating: UInt8(nonce), count: 32)),
                        signedAt: now.addingTimeInterval(-age))
        }
        XCTAssertEqual(FillerRepricing.due(fillers, now: now, afterSeconds: 60).map(\.nonce), [1, 2])
        XCTAssertEqual(FillerRepricing.due(fillers, now: now, afterSeconds: 1_000).map(\.nonce), [])
    }

    func testAPricedOutFillerOfAPaymentSignerIsSignedAgainSoTheLaneMoves() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let key = try PrivateKey(hex: chain.signers[2].privateKey)
        let testbed = try await EngineTestbed(signerKeys: [key], settings: [
            "fee_bump_after_seconds": "1", "priority_fee_wei": "1000000000", "rebroadcast_after_seconds": "2"])
        addTeardownBlock { await testbed.stop() }
        try await testbed.drainPool()
        // Miners want 1.3 gwei; the filler offers 1 gwei and holds the signer's next nonce.
        let filler = try await recordUnderpricedFiller(testbed, key: key, tip: 1_000_000_000)
        try chain.control("devchain_setMinPriorityFee", [.string(UInt256(1_300_000_000).hexString)])
        addTeardownBlock { try? chain.resetFaults() }
        try await testbed.engine.reloadSettings()
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(5)))
        try await testbed.wait("the payment behind the filler completed", seconds: 120) {
            try await testbed.engine.status(paymentID: payment.paymentID).status == .completed
        }
        let mined = try await testbed.rpc.transactionCount(key.address)
        XCTAssertGreaterThan(mined, filler.nonce + 1, "the filler's nonce and the payment's are both mined")
        let now = try XCTUnwrap(try fillerHash(testbed, key: key, nonce: filler.nonce))
        XCTAssertNotEqual(now.lowercased(), filler.hash.hex.lowercased(), "the filler was signed again")
        let raw = try XCTUnwrap(try testbed.database().query("SELECT raw_tx FROM nonce_fillers WHERE lower(tx_hash) = lower($1)", [now]).first?.text("raw_tx"))
        let repriced = try SignedTransaction.decode(rawHex: raw).transaction
        XCTAssertGreaterThanOrEqual(repriced.maxPriorityFeePerGas, UInt256(1_300_000_000), "the recorded filler offers what miners take")
        XCTAssertEqual(repriced.nonce, filler.nonce)
        XCTAssertEqual(repriced.value, .zero)
        XCTAssertEqual(repriced.to, key.address)
    }

    func testAPricedOutFillerOfTheMinterIsSignedAgainSoMintingMoves() async throws {
        let chain = try EngineTestbed.sharedChain.get()
        let testbed = try await EngineTestbed(settings: ["fee_bump_after_seconds": "1", "priority_fee_wei": "1000000000"])
        addTeardownBlock { await testbed.stop() }
        let minter = try XCTUnwrap(testbed.configuration.minter)
        try await testbed.drainPool()
        let filler = try await recordUnderpricedFiller(testbed, key: minter, tip: 1_000_000_000)
        try chain.control("devchain_setMinPriorityFee", [.string(UInt256(1_300_000_000).hexString)])
        addTeardownBlock { try? chain.resetFaults() }
        try await testbed.engine.reloadSettings()
        try await testbed.start()
        let payment = try await testbed.engine.enqueue(try testbed.request(buyer: try testbed.buyerKey(6)))
        try await testbed.wait("the mint behind the minter's filler done", seconds: 150) {
            try await testbed.engine.status(paymentID: payment.paymentID).mints.map(\.status) == [.completed]
        }
        let minted = try await testbed.rpc.transactionCount(minter.address)
        XCTAssertGreaterThan(minted, filler.nonce + 1, "the filler's nonce and the batch's are both mined")
        let now = try XCTUnwrap(try fillerHash(testbed, key: minter, nonce: filler.nonce))
        XCTAssertNotEqual(now.lowercased(), filler.hash.hex.lowercased(), "the minter's filler was signed again")
    }
}
