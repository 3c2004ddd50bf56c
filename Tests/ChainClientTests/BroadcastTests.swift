import ChainClient
import Ethereum
import XCTest

/// Broadcasting signed transferWithAuthorization transactions and reading their fate.
final class BroadcastTests: XCTestCase {
    func testSettledAuthorizationHasASuccessfulReceiptWithItsEventsAndFees() async throws {
        let chain = try LiveChain.prepared()
        let buyer = chain.buyers[0], signer = chain.signers[0]
        let (authorization, calldata) = try await chain.authorization(buyer: buyer, value: 1_250_000)
        let fees = try await chain.rpc.suggestFees(policy: FeePolicy(minimumPriorityFee: 1_000_000_000))
        let estimate = try await chain.rpc.estimateGas(from: signer.address, to: chain.usdc, data: calldata)
        let tx = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(signer),
                                   tip: fees.maxPriorityFeePerGas, maxFee: fees.maxFeePerGas)

        let outcomes = try await chain.rpc.sendRawTransactions([tx])
        XCTAssertEqual(outcomes, [.accepted(tx.hash)])
        let waiting = try await chain.rpc.transaction(tx.hash)
        XCTAssertEqual(waiting?.isPending, true)
        XCTAssertEqual(waiting?.from, signer.address)
        XCTAssertEqual(waiting?.nonce, tx.transaction.nonce)
        let unmined = try await chain.rpc.receipts([tx.hash])
        XCTAssertEqual(unmined, [nil])

        try chain.node.mine()
        let fetched = try await chain.rpc.receipt(tx.hash)
        let receipt = try XCTUnwrap(fetched)
        XCTAssertTrue(receipt.succeeded)
        XCTAssertEqual(receipt.from, signer.address)
        XCTAssertEqual(receipt.to, chain.usdc)
        XCTAssertLessThanOrEqual(receipt.gasUsed, estimate)
        XCTAssertGreaterThan(receipt.gasUsed, 60_000, "about 73,400 (73,362 in the devchain's README, give or take calldata zero bytes)")
        let header = try await chain.rpc.block(.number(receipt.blockNumber))
        let block = try XCTUnwrap(header)
        XCTAssertEqual(receipt.blockHash, block.hash)
        XCTAssertTrue(block.transactionHashes.contains(tx.hash))
        let paidTip = min(fees.maxPriorityFeePerGas, fees.maxFeePerGas - block.baseFeePerGas)
        XCTAssertEqual(receipt.effectiveGasPrice, block.baseFeePerGas + paidTip)

        let used = receipt.logs(of: EventTopic.authorizationUsed, from: chain.usdc)
        XCTAssertEqual(used.count, 1)
        XCTAssertEqual(used.first?.topics, [EventTopic.authorizationUsed, topic(buyer.address), authorization.nonce])
        let transfers = receipt.logs(of: EventTopic.transfer, from: chain.usdc)
        XCTAssertEqual(transfers.first?.topics, [EventTopic.transfer, topic(buyer.address), topic(chain.receiver)])
        XCTAssertEqual(transfers.first?.data, ABIWord.uint256(1_250_000))

        let mined = try await chain.rpc.transaction(tx.hash)
        XCTAssertEqual(mined?.blockNumber, receipt.blockNumber)
        let blockReceipts = try await chain.rpc.blockReceipts(.number(receipt.blockNumber))
        XCTAssertEqual(blockReceipts?.first { $0.transactionHash == tx.hash }, receipt)
        XCTAssertEqual(blockReceipts?.reduce(0) { $0 + $1.gasUsed }, block.gasUsed, "gasUsed is per transaction, not cumulative")
    }

    func testResendingTheSameBytesIsAlreadyKnownBeforeMiningAndNonceTooLowAfter() async throws {
        let chain = try LiveChain.prepared()
        let signer = chain.signers[1]
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[1])
        let tx = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(signer))
        let first = try await chain.rpc.sendRawTransaction(tx.raw)
        XCTAssertEqual(first, .accepted(tx.hash))
        let again = try await chain.rpc.sendRawTransaction(tx.raw)
        XCTAssertEqual(again.rejection, .alreadyKnown)
        XCTAssertTrue(again.isInPool)
        try chain.node.mine()
        let afterMining = try await chain.rpc.sendRawTransaction(tx.raw)
        XCTAssertEqual(afterMining.rejection, .nonceTooLow)
        guard case .rejected(_, let error) = afterMining else { return XCTFail("\(afterMining)") }
        XCTAssertEqual(error.message, "nonce too low", "the node's message is kept")
    }

    func testReplacementWithLessThanATenPercentBumpIsUnderpriced() async throws {
        let chain = try LiveChain.prepared()
        let signer = chain.signers[2]
        let nonce = try await chain.nextNonce(signer)
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[2])
        let original = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: nonce,
                                         tip: 2_000_000_000, maxFee: 40_000_000_000)
        let cheapBump = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: nonce,
                                          tip: 2_100_000_000, maxFee: 42_000_000_000)
        let properBump = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: nonce,
                                           tip: 2_200_000_000, maxFee: 44_000_000_000)
        let outcomes = try await chain.rpc.sendRawTransactions([original, cheapBump, properBump])
        XCTAssertEqual(outcomes[0], .accepted(original.hash))
        XCTAssertEqual(outcomes[1].rejection, .replacementUnderpriced)
        XCTAssertEqual(outcomes[2], .accepted(properBump.hash))
        let replaced = try await chain.rpc.transactions([original.hash, properBump.hash])
        XCTAssertNil(replaced[0], "a replaced transaction is gone from the pool")
        XCTAssertEqual(replaced[1]?.isPending, true)
    }

    func testUnfundedKeyIsRefusedForInsufficientFunds() async throws {
        let chain = try LiveChain.prepared()
        let pauper = try PrivateKey(bytes: Bytes32.random().bytes)
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[3])
        let tx = chain.transaction(from: pauper, to: chain.usdc, data: calldata, nonce: 0)
        let outcome = try await chain.rpc.sendRawTransaction(tx.raw)
        XCTAssertEqual(outcome.rejection, .insufficientFunds)
    }

    func testBatchWithMixedOutcomesReportsEachInRequestOrder() async throws {
        let chain = try LiveChain.prepared()
        let signer = chain.signers[3]
        let nonce = try await chain.nextNonce(signer)
        let (_, first) = try await chain.authorization(buyer: chain.buyers[4])
        let (_, second) = try await chain.authorization(buyer: chain.buyers[5])
        let a = chain.transaction(from: signer, to: chain.usdc, data: first, nonce: nonce)
        let b = chain.transaction(from: signer, to: chain.usdc, data: second, nonce: nonce + 1)
        let pauper = chain.transaction(from: try PrivateKey(bytes: Bytes32.random().bytes), to: chain.usdc, data: first, nonce: 0)
        let garbage: [UInt8] = [0x02, 0xc1, 0x80]

        let outcomes = try await chain.rpc.sendRawTransactions([a.raw, garbage, a.raw, pauper.raw, b.raw])
        XCTAssertEqual(outcomes.count, 5)
        XCTAssertEqual(outcomes[0], .accepted(a.hash))
        XCTAssertEqual(outcomes[1].rejection, .other)
        XCTAssertEqual(outcomes[2].rejection, .alreadyKnown)
        XCTAssertEqual(outcomes[3].rejection, .insufficientFunds)
        XCTAssertEqual(outcomes[4], .accepted(b.hash))

        try chain.node.mine()
        let receipts = try await chain.rpc.receipts([a.hash, pauper.hash, b.hash])
        XCTAssertEqual(receipts.map { $0?.succeeded }, [true, nil, true])
    }
}
