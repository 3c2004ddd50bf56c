import ChainClient
import Ethereum
import XCTest

/// The minter's dedupe check: `hasMinted` before sending, and `AlreadyMinted` decoded from a
/// reverted `batchMint`.
final class MintContractTests: XCTestCase {
    func testHasMintedAndAlreadyMintedRevertNameTheMintedHash() async throws {
        let chain = try LiveChain.prepared()
        let minted = Bytes32.random(), fresh = Bytes32.random()
        let recipient = chain.buyers[0].address
        let mint = chain.transaction(from: chain.minter, to: chain.mintToken,
                                     data: MintContractCalldata.mint(to: recipient, txHash: minted),
                                     nonce: try await chain.nextNonce(chain.minter), gasLimit: 300_000)
        let outcome = try await chain.rpc.sendRawTransaction(mint.raw)
        XCTAssertEqual(outcome, .accepted(mint.hash))
        try chain.node.mine()
        let receipt = try await chain.rpc.receipt(mint.hash)
        XCTAssertEqual(receipt?.succeeded, true)
        XCTAssertEqual(receipt?.logs(of: EventTopic.tokensMinted, from: chain.mintToken).first?.topics,
                       [EventTopic.tokensMinted, topic(recipient), minted])

        let flags = try await chain.rpc.hasMinted(token: chain.mintToken, hashes: [minted, fresh])
        XCTAssertEqual(flags, [true, false])

        let batch = MintContractCalldata.batchMint(recipients: [recipient, recipient], txHashes: [fresh, minted])
        let simulated = try await chain.rpc.call(to: chain.mintToken, data: batch, from: chain.minter.address)
        guard case .reverted(let reason, _) = simulated else { return XCTFail("\(simulated)") }
        XCTAssertEqual(reason, .custom(selector: MintContractCalldata.alreadyMintedWithHashSelector, arguments: minted.bytes))

        let onlyFresh = MintContractCalldata.batchMint(recipients: [recipient], txHashes: [fresh])
        let retry = try await chain.rpc.call(to: chain.mintToken, data: onlyFresh, from: chain.minter.address)
        guard case .returned = retry else { return XCTFail("re-sending only the unminted hashes must succeed: \(retry)") }
    }

    func testBoolViewOnAnAddressWithoutCodeIsMalformedNotFalse() async throws {
        let chain = try LiveChain.prepared()
        let error = await chainError { () async throws(ChainError) in
            try await chain.rpc.hasMinted(token: chain.signers[0].address, hashes: [.random()])
        }
        guard case .malformedResponse("eth_call", let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(detail.contains("hasMinted"), detail)
    }
}
