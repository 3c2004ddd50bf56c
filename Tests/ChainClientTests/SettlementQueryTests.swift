import ChainClient
import Ethereum
import XCTest

/// The engine's questions about an authorization: is it used, by which transaction, and what
/// happens when it is relayed again.
final class SettlementQueryTests: XCTestCase {
    /// Settles a fresh authorization of `buyer` and returns it with its mined receipt.
    private func settle(_ chain: LiveChain, buyer: PrivateKey, signer: PrivateKey) async throws
        -> (authorization: TransferWithAuthorization, calldata: [UInt8], receipt: TransactionReceipt) {
        let (authorization, calldata) = try await chain.authorization(buyer: buyer)
        let tx = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(signer))
        let outcome = try await chain.rpc.sendRawTransaction(tx.raw)
        XCTAssertEqual(outcome, .accepted(tx.hash))
        try chain.node.mine()
        let fetched = try await chain.rpc.receipt(tx.hash)
        let receipt = try XCTUnwrap(fetched)
        XCTAssertTrue(receipt.succeeded)
        return (authorization, calldata, receipt)
    }

    func testAuthorizationStateFlipsToUsedOnceSettled() async throws {
        let chain = try LiveChain.prepared()
        let buyer = chain.buyers[6]
        let (authorization, calldata) = try await chain.authorization(buyer: buyer)
        let unused = Bytes32.random()
        let before = try await chain.rpc.authorizationStates(token: chain.usdc, [(buyer.address, authorization.nonce), (buyer.address, unused)])
        XCTAssertEqual(before, [false, false])

        let tx = chain.transaction(from: chain.signers[0], to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(chain.signers[0]))
        _ = try await chain.rpc.sendRawTransaction(tx.raw)
        try chain.node.mine()
        let after = try await chain.rpc.authorizationStates(token: chain.usdc, [(buyer.address, authorization.nonce), (buyer.address, unused)])
        XCTAssertEqual(after, [true, false])
    }

    func testAuthorizationUsedLogsFindTheSettlingTransactionAndNothingElse() async throws {
        let chain = try LiveChain.prepared()
        let buyer = chain.buyers[7]
        let start = try await chain.rpc.blockNumber()
        let settled = try await settle(chain, buyer: buyer, signer: chain.signers[1])
        let other = try await settle(chain, buyer: buyer, signer: chain.signers[1])

        let logs = try await chain.rpc.authorizationUsedLogs(token: chain.usdc, authorizer: buyer.address,
                                                             nonce: settled.authorization.nonce, fromBlock: start)
        XCTAssertEqual(logs.count, 1)
        XCTAssertEqual(logs.first?.transactionHash, settled.receipt.transactionHash)
        XCTAssertEqual(logs.first?.blockHash, settled.receipt.blockHash)

        let never = Bytes32.random()
        let many = try await chain.rpc.authorizationUsedLogs(
            token: chain.usdc, [(buyer.address, other.authorization.nonce), (buyer.address, never), (chain.buyers[0].address, settled.authorization.nonce)],
            fromBlock: start)
        XCTAssertEqual(many.map(\.transactionHash), [other.receipt.transactionHash],
                       "only asked-for (authorizer, nonce) pairs match, not the cross product of the OR-lists")
    }

    func testReplayedAuthorizationRevertsWithFiatTokensReasonAndAFailedReceipt() async throws {
        let chain = try LiveChain.prepared()
        let signer = chain.signers[2]
        let settled = try await settle(chain, buyer: chain.buyers[0], signer: signer)

        let simulated = try await chain.rpc.call(to: chain.usdc, data: settled.calldata, from: signer.address)
        guard case .reverted(let reason, let data) = simulated else { return XCTFail("\(simulated)") }
        XCTAssertEqual(reason, .error("FiatTokenV2: authorization is used or canceled"))
        XCTAssertEqual(RevertReason(data: data), reason)

        let estimate = await chainError { () async throws(ChainError) in
            try await chain.rpc.estimateGas(from: signer.address, to: chain.usdc, data: settled.calldata)
        }
        guard case .rpc("eth_estimateGas", let error)? = estimate else { return XCTFail("\(String(describing: estimate))") }
        XCTAssertEqual(error.code, 3)

        let replay = chain.transaction(from: signer, to: chain.usdc, data: settled.calldata, nonce: try await chain.nextNonce(signer))
        let outcome = try await chain.rpc.sendRawTransaction(replay.raw)
        XCTAssertEqual(outcome, .accepted(replay.hash), "the pool does not simulate; the revert shows only when mined")
        try chain.node.mine()
        let fetched = try await chain.rpc.receipt(replay.hash)
        let receipt = try XCTUnwrap(fetched)
        XCTAssertFalse(receipt.succeeded)
        XCTAssertTrue(receipt.logs.isEmpty)
    }

    func testCallsInOneBatchReturnDataAndRevertsInOrder() async throws {
        let chain = try LiveChain.prepared()
        let buyer = chain.buyers[1]
        let (_, calldata) = try await chain.authorization(buyer: buyer)
        let outcomes = try await chain.rpc.calls([
            CallRequest(to: chain.usdc, data: USDCCalldata.balanceOf(buyer.address)),
            CallRequest(to: chain.usdc, data: calldata, block: .latest),
            CallRequest(from: chain.signers[0].address, to: chain.usdc, data: USDCCalldata.transferWithAuthorization(
                from: buyer.address, to: chain.receiver, value: 1, validAfter: 0, validBefore: 1, nonce: .random(),
                v: 27, r: Bytes32(UInt256(1)), s: Bytes32(UInt256(1)))),
        ])
        XCTAssertEqual(outcomes.count, 3)
        let balance = try ABI.decodeUInt256(try XCTUnwrap(outcomes[0].returnData))
        XCTAssertGreaterThan(balance, .zero)
        XCTAssertEqual(outcomes[1], .returned([]), "a valid authorization simulates cleanly (and returns nothing)")
        guard case .reverted(.error(let message), _) = outcomes[2] else { return XCTFail("\(outcomes[2])") }
        XCTAssertEqual(message, "FiatTokenV2: authorization is expired")
    }

    func testEstimatedGasIsEnoughToSettleAndCoversWhatIsUsed() async throws {
        let chain = try LiveChain.prepared()
        let signer = chain.signers[3]
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[2])
        let gas = try await chain.rpc.estimateGas(from: signer.address, to: chain.usdc, data: calldata)
        let tx = chain.transaction(from: signer, to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(signer), gasLimit: gas)
        _ = try await chain.rpc.sendRawTransaction(tx.raw)
        try chain.node.mine()
        let receipt = try await chain.rpc.receipt(tx.hash)
        XCTAssertEqual(receipt?.succeeded, true)
        XCTAssertLessThanOrEqual(receipt?.gasUsed ?? .max, gas)
    }
}
