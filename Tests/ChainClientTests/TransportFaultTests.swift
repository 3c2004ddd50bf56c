import ChainClient
import Ethereum
import HTTPPost
import JSON
import XCTest

/// What injected HTTP faults look like to a caller: typed errors, never a hang or a crash.
final class TransportFaultTests: XCTestCase {
    override func tearDown() async throws {
        try LiveChain.prepared().node.resetFaults()
    }

    func testHTTP503IsATransportErrorAndTheNextCallSucceeds() async throws {
        let chain = try LiveChain.prepared()
        try chain.node.control("devchain_failNextRequests", [1, "http503"])
        let error = await chainError { () async throws(ChainError) in try await chain.rpc.blockNumber() }
        guard case .transport(.status(503, _))? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(error?.code, "rpc_unavailable")
        let head = try await chain.rpc.blockNumber()
        XCTAssertGreaterThan(head, 0)
    }

    func testDroppedConnectionIsATransportError() async throws {
        let chain = try LiveChain.prepared()
        // A fresh client: on a reused connection curl itself retries a request whose connection
        // died before any answer, so one drop would go unnoticed there.
        let fresh = EthereumRPC(url: chain.node.rpcURL, name: "fresh")
        try chain.node.control("devchain_failNextRequests", [1, "drop"])
        let error = await chainError { () async throws(ChainError) in try await fresh.chainID() }
        guard case .transport(.transport)? = error else { return XCTFail("\(String(describing: error))") }
        let chainID = try await fresh.chainID()
        XCTAssertEqual(chainID, chain.chainID)
    }

    func testInjectedRPCErrorIsAnRPCErrorForReadsAndIndeterminateForBroadcasts() async throws {
        let chain = try LiveChain.prepared()
        try chain.node.control("devchain_failNextRequests", [1, "rpc-error"])
        let error = await chainError { () async throws(ChainError) in try await chain.rpc.blockNumber() }
        guard case .rpc("eth_blockNumber", let object)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(object.code, -32603)

        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[3])
        let tx = chain.transaction(from: chain.signers[0], to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(chain.signers[0]))
        try chain.node.control("devchain_failNextRequests", [1, "rpc-error"])
        let outcomes = try await chain.rpc.sendRawTransactions([tx])
        guard case .indeterminate(let failure) = outcomes[0] else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(failure.code, -32603)
        let resent = try await chain.rpc.sendRawTransactions([tx])
        XCTAssertEqual(resent, [.accepted(tx.hash)], "the failed request was not processed")
    }

    func testLostAnswerToABroadcastThrowsAndResendingTheSameBytesIsAlreadyKnown() async throws {
        let chain = try LiveChain.prepared()
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[4])
        let tx = chain.transaction(from: chain.signers[1], to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(chain.signers[1]))
        try chain.node.control("devchain_failNextRequests", [1, "after"])
        let error = await chainError { () async throws(ChainError) in try await chain.rpc.sendRawTransactions([tx]) }
        guard case .transport(.status(503, _))? = error else { return XCTFail("\(String(describing: error))") }
        let resent = try await chain.rpc.sendRawTransactions([tx])
        XCTAssertEqual(resent.first?.rejection, .alreadyKnown, "the node processed the request whose answer was lost")
    }

    func testSlowNodeBeyondTheClientTimeoutIsATimeoutAndTheClientRecovers() async throws {
        let chain = try LiveChain.prepared()
        let impatient = EthereumRPC(url: chain.node.rpcURL, timeoutMilliseconds: 300, name: "impatient")
        try chain.node.control("devchain_setLatency", [1_500])
        let error = await chainError { () async throws(ChainError) in try await impatient.blockNumber() }
        guard case .transport(.timedOut(milliseconds: 300))? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(error?.code, "rpc_unavailable")
        try chain.node.control("devchain_setLatency", [0])
        let head = try await impatient.blockNumber()
        XCTAssertGreaterThan(head, 0)
    }

    func testUnreachableNodeIsATransportError() async throws {
        let nowhere = EthereumRPC(url: "http://127.0.0.1:9/", timeoutMilliseconds: 2_000)
        let error = await chainError { () async throws(ChainError) in try await nowhere.chainID() }
        guard case .transport(.transport)? = error else { return XCTFail("\(String(describing: error))") }
    }
}
