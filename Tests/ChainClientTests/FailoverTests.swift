import ChainClient
import Ethereum
import TestHarness
import XCTest

/// Two front ends for one devchain (socat proxies), one killed for real (issue 8, item 8):
/// reads go on through the other, broadcasts reach the chain, and the health state says which
/// endpoint is in use.
final class FailoverTests: XCTestCase {
    /// Pins: the preferred endpoint dies. Before failover a client of it failed every request
    /// until it came back.
    func testReadsAndBroadcastsGoOnThroughTheOtherEndpointWhenThePreferredOneDies() async throws {
        let chain = try LiveChain.prepared()
        let first = try TCPProxy(forwardingTo: chain.node.deployment.port)
        let second = try TCPProxy(forwardingTo: chain.node.deployment.port)
        let endpoints = RPCEndpoints(urls: [first.url, second.url], chainID: chain.chainID)
        let rpc = EthereumRPC(endpoints: endpoints, timeoutMilliseconds: 5_000, name: "failover")
        _ = try await rpc.blockNumber()
        XCTAssertEqual(endpoints.snapshot.inUse, 0, "the preferred endpoint serves while it answers")

        first.kill9()
        let head = try await rpc.blockNumber()
        XCTAssertGreaterThan(head, 0)
        let state = endpoints.snapshot
        XCTAssertEqual(state.inUse, 1)
        guard case .backingOff(1, _, _) = state.endpoints[0].health else { return XCTFail("\(state.endpoints[0].health)") }
        XCTAssertEqual(state.endpoints[0].displayName, first.url)

        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[5])
        let tx = chain.transaction(from: chain.signers[2], to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(chain.signers[2]))
        let outcomes = try await rpc.sendRawTransactions([tx])
        XCTAssertEqual(outcomes, [.accepted(tx.hash)], "the live endpoint took it; the dead one was not asked")
        let known = try await chain.rpc.transaction(tx.hash)
        XCTAssertNotNil(known, "the transaction reached the chain's pool")
    }

    /// Pins: a broadcast goes to every healthy endpoint and their answers merge: the same
    /// bytes through two front ends of one node are accepted by one and already known to the
    /// other, which is one transaction in the pool.
    func testABroadcastGoesToEveryHealthyEndpointAndTheAnswersMerge() async throws {
        let chain = try LiveChain.prepared()
        let first = try TCPProxy(forwardingTo: chain.node.deployment.port)
        let second = try TCPProxy(forwardingTo: chain.node.deployment.port)
        let rpc = EthereumRPC(endpoints: RPCEndpoints(urls: [first.url, second.url], chainID: chain.chainID), name: "broadcast-all")
        let (_, calldata) = try await chain.authorization(buyer: chain.buyers[6])
        let tx = chain.transaction(from: chain.signers[3], to: chain.usdc, data: calldata, nonce: try await chain.nextNonce(chain.signers[3]))
        let outcomes = try await rpc.sendRawTransactions([tx])
        XCTAssertEqual(outcomes, [.accepted(tx.hash)])
        let again = try await rpc.sendRawTransactions([tx])
        XCTAssertEqual(again.first?.rejection, .alreadyKnown, "both endpoints know it now")

        first.kill9()
        second.kill9()
        let error = await chainError { () async throws(ChainError) in try await rpc.sendRawTransactions([tx]) }
        XCTAssertEqual(error?.code, "rpc_unavailable", "no endpoint answered: whether the bytes reached a pool is unknown")
    }

    /// Pins: an endpoint that serves another chain is never used (probes check the chain id).
    func testAnEndpointOfAnotherChainIsExcludedAtTheCheck() async throws {
        let chain = try LiveChain.prepared()
        let proxy = try TCPProxy(forwardingTo: chain.node.deployment.port)
        let endpoints = RPCEndpoints(urls: [proxy.url, chain.node.rpcURL], chainID: chain.chainID + 1)
        let rpc = EthereumRPC(endpoints: endpoints, name: "wrong-chain")
        let answers = await rpc.client.chainIDOfEveryEndpoint()
        XCTAssertEqual(answers.compactMap { try? $0.answer.get() }, [chain.chainID, chain.chainID])
        XCTAssertTrue(endpoints.snapshot.endpoints.allSatisfy {
            if case .excluded = $0.health { return true }
            return false
        })
        let error = await chainError { () async throws(ChainError) in try await rpc.blockNumber() }
        XCTAssertEqual(error?.code, "rpc_unavailable")
    }
}
