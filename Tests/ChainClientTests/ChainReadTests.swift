import ChainClient
import Ethereum
import JSON
import XCTest

/// Plain reads against a real devchain: chain id, head, headers, balances, nonces, fees, batches.
final class ChainReadTests: XCTestCase {
    func testChainIDAndBlockNumberMatchTheNode() async throws {
        let chain = try LiveChain.prepared()
        let chainID = try await chain.rpc.chainID()
        XCTAssertEqual(chainID, chain.node.chainID)
        let before = try await chain.rpc.blockNumber()
        try chain.node.mine()
        let after = try await chain.rpc.blockNumber()
        XCTAssertEqual(after, before + 1)
    }

    func testLatestBlockHeaderLinksToItsParent() async throws {
        let chain = try LiveChain.prepared()
        try chain.node.mine()
        let head = try await chain.rpc.block(.latest)
        let latest = try XCTUnwrap(head)
        let parent = try await chain.rpc.block(.number(latest.number - 1))
        XCTAssertEqual(parent?.hash, latest.parentHash)
        XCTAssertEqual(latest.gasLimit, 30_000_000)
        XCTAssertGreaterThan(latest.baseFeePerGas, .zero)
        XCTAssertGreaterThanOrEqual(latest.timestamp, parent?.timestamp ?? .max)
    }

    func testBlockBeyondTheHeadIsNil() async throws {
        let chain = try LiveChain.prepared()
        let head = try await chain.rpc.blockNumber()
        let future = try await chain.rpc.block(.number(head + 1_000))
        XCTAssertNil(future)
    }

    func testBalancesAndNoncesOfManyAccountsComeBackInOrder() async throws {
        let chain = try LiveChain.prepared()
        let balance = try await chain.rpc.balance(chain.signers[0].address)
        XCTAssertGreaterThan(balance, UInt256(1_000_000_000_000_000_000), "signers start with 10,000 ETH")
        let fresh = try PrivateKey(bytes: Bytes32.random().bytes)
        let queries: [(address: Address, block: BlockTag)] = [(chain.signers[0].address, .latest), (fresh.address, .latest),
                                                               (fresh.address, .pending)]
        let counts = try await chain.rpc.transactionCounts(queries)
        XCTAssertEqual(counts.count, 3)
        XCTAssertEqual(counts[1], 0)
        XCTAssertEqual(counts[2], 0)
        let single = try await chain.rpc.transactionCount(chain.signers[0].address)
        XCTAssertEqual(counts[0], single)
    }

    func testBatchLargerThanTheChunkSizeIsSplitAndReassembledInOrder() async throws {
        let chain = try LiveChain.prepared()
        for connections in [1, 3] {
            let client = JSONRPCClient(url: chain.node.rpcURL, connections: connections, maxBatchSize: 3)
            let blocks = (0..<10).map { RPCRequest("eth_getBlockByNumber", [.string("0x" + String($0 % 2, radix: 16)), false]) }
            let outcomes = try await client.batch(blocks)
            XCTAssertEqual(outcomes.count, 10)
            for (index, outcome) in outcomes.enumerated() {
                XCTAssertEqual(try outcome.get()["number"], .string("0x" + String(index % 2, radix: 16)))
            }
        }
    }

    func testUnknownMethodInABatchIsThatElementsError() async throws {
        let chain = try LiveChain.prepared()
        let outcomes = try await chain.rpc.client.batch([RPCRequest("eth_chainId"), RPCRequest("eth_noSuchMethod"), RPCRequest("net_version")])
        XCTAssertEqual(outcomes.count, 3)
        XCTAssertEqual(try outcomes[0].get(), .string("0x" + String(chain.chainID, radix: 16)))
        guard case .failure(let error) = outcomes[1] else { return XCTFail("\(outcomes[1])") }
        XCTAssertEqual(error.code, -32601)
        XCTAssertEqual(try outcomes[2].get(), .string(String(chain.chainID)))
        let single = await chainError { () async throws(ChainError) in try await chain.rpc.client.call("eth_noSuchMethod") }
        guard case .rpc("eth_noSuchMethod", let object)? = single else { return XCTFail("\(String(describing: single))") }
        XCTAssertEqual(object.code, -32601)
        XCTAssertEqual(single?.code, "rpc_error")
    }

    func testTheNodeParsesEveryFormTheWriterProduces() async throws {
        // The one JSON writer keeps a double's fraction (`1.0`) and escapes DEL as `\u007f`;
        // the node must read such a body and answer the call itself (here: a refusal of the
        // parameters), never with a parse error.
        let chain = try LiveChain.prepared()
        do {
            _ = try await chain.rpc.client.call("eth_getBalance", params: ["0x\u{7f}", .double(1)])
            XCTFail("an address made of DEL is not an address")
        } catch {
            guard case .rpc(_, let refusal) = error else { return XCTFail("\(error)") }
            XCTAssertNotEqual(refusal.code, -32700, "\(refusal)")
        }
    }

    func testFeeHistoryHasOneMoreBaseFeeThanBlocksAndARewardPerPercentile() async throws {
        let chain = try LiveChain.prepared()
        try chain.node.mine(blocks: 4)
        let history = try await chain.rpc.feeHistory(blockCount: 4, rewardPercentiles: [10, 50, 90])
        XCTAssertEqual(history.gasUsedRatio.count, 4)
        XCTAssertEqual(history.baseFeePerGas.count, 5)
        XCTAssertEqual(history.reward.count, 4)
        XCTAssertTrue(history.reward.allSatisfy { $0.count == 3 })
        let head = try await chain.rpc.blockNumber()
        XCTAssertEqual(history.oldestBlock, head - 3)
    }

    func testSuggestedFeesCoverTheNextBaseFeeAndTheMinimumTip() async throws {
        let chain = try LiveChain.prepared()
        let policy = FeePolicy(minimumPriorityFee: 1_000_000_000)
        let fees = try await chain.rpc.suggestFees(policy: policy)
        let head = try await chain.rpc.block(.latest)
        XCTAssertGreaterThanOrEqual(fees.maxPriorityFeePerGas, policy.minimumPriorityFee)
        XCTAssertGreaterThanOrEqual(fees.maxFeePerGas, fees.nextBaseFee + fees.maxPriorityFeePerGas)
        XCTAssertGreaterThan(fees.nextBaseFee, .zero)
        // An empty head block lowers the next base fee; it never exceeds the head's by more than 12.5%.
        XCTAssertLessThanOrEqual(fees.nextBaseFee, try XCTUnwrap(head).baseFeePerGas * 9 / 8 + 1)
    }
}
