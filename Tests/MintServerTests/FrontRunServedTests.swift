import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer
import XCTest

/// Issue 19, 4 (with issue 16, scenario 4): a buyer whose payload a third party relayed to our
/// receiver before it reached us has paid. mint-server serves the purchase with that
/// transaction; a 402 would ask him to pay again.
final class FrontRunServedTests: XCTestCase {
    func testAPayloadFrontRunToOurReceiverIsServedWithThatTransactionNotAskedToPayAgain() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer()
        let (url, body, _, offers) = try await bed.challenge(server)
        let http = HTTPExchange()
        let buyer = try bed.buyerKey(3)
        let payment = try PaymentHeaderBuilder(chainID: bed.chain.chainID).pay(version: 2, accepts: offers, buyer: buyer)
        let before = try bed.mintBalance(buyer.address.checksummed)

        // Someone relays the buyer's signed authorization first, paying our receiver.
        let relay = try relayFromDeployer(payment.payload.authorization, bed: bed)

        let answer = try await http.send("POST", url, headers: [payment.headerName: payment.headerValue], body: body)
        XCTAssertTrue(answer.status == 200 || answer.status == 202, "served, not asked to pay again: \(answer.status) \(answer.bodyText)")
        let id = try XCTUnwrap(try StrictJSONParser.parse(answer.body)["paymentQueueId"]?.stringValue, answer.bodyText)
        let minted = try await bed.waitUntilMinted(id)
        XCTAssertEqual(minted.txHash, relay.hex, "completed by the relay's transaction")
        XCTAssertEqual(try bed.mintBalance(buyer.address.checksummed) - before, try bed.tokensPerMint, "minted once")
        let payments = try await bed.client.list(PaymentListFilter(payer: buyer.address.checksummed, limit: 10))
        XCTAssertEqual(payments.count, 1)
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    /// Sends `authorization` to the token from the devchain's deployer and waits for it to mine.
    private func relayFromDeployer(_ authorization: AuthorizationPayload, bed: EndToEndBed) throws -> Bytes32 {
        let transfer = TransferWithAuthorization(
            from: try Address(hex: authorization.from), to: try Address(hex: authorization.to), value: try XCTUnwrap(UInt256(decimal: authorization.value)),
            validAfter: try XCTUnwrap(UInt256(decimal: authorization.validAfter)), validBefore: try XCTUnwrap(UInt256(decimal: authorization.validBefore)),
            nonce: try Bytes32(hex: authorization.nonce))
        let signature = try EthereumSignature(hex: try XCTUnwrap(authorization.signature))
        let deployer = try PrivateKey(hex: bed.chain.deployer.privateKey)
        let nonce = try XCTUnwrap(bed.chain.control("eth_getTransactionCount", [.string(deployer.address.checksummed), "pending"]).stringValue)
        let signed = EIP1559Transaction(chainId: bed.chain.chainID, nonce: try XCTUnwrap(UInt64(nonce.dropFirst(2), radix: 16)),
                                        maxPriorityFeePerGas: UInt256(2_000_000_000), maxFeePerGas: UInt256(200_000_000_000), gasLimit: 200_000,
                                        to: try Address(hex: bed.chain.usdc), value: .zero,
                                        data: USDCCalldata.transferWithAuthorization(transfer, signature: signature)).sign(with: deployer)
        _ = try bed.chain.control("eth_sendRawTransaction", [.string(Hex.encode(signed.raw))])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let receipt = try bed.chain.control("eth_getTransactionReceipt", [.string(signed.hash.hex)])
            if receipt != .null {
                XCTAssertEqual(receipt["status"], "0x1", "the relay succeeded")
                return signed.hash
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw HarnessError("the relay \(signed.hash.hex) did not mine")
    }
}
