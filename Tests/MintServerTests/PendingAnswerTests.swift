import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer
import XCTest

/// Issue 19, 3: a queued purchase's answer says where to follow it (a `Location`, `Retry-After`,
/// and in the receipt itself: payment id, status URL, state, the transaction once known), and an
/// SDK buyer on the default configuration gets a 200 with a real receipt when the chain is quick.
final class PendingAnswerTests: XCTestCase {
    func testTheSDKBuyerOnTheDefaultConfigurationGetsASettledReceipt() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer()
        let result = try await bed.runSDK("buyer.py", [
            "--url", server.baseURL + "/api/mint/\(bed.chain.mintToken)", "--key-file", try bed.buyerKeyFile(5),
            "--chain-id", String(bed.chain.chainID), "--asset", bed.chain.usdc, "--v1-network", EndToEndBed.v1Network, "--version", "2"])
        XCTAssertEqual(result["status"]?.intValue, 200, "\(result)")
        XCTAssertEqual(result["receipt"]?["success"], true, "\(result)")
        XCTAssertEqual(result["receipt"]?["transaction"]?.stringValue?.count, 66, "\(result)")
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    func testAQueuedPurchaseNamesItsStatusURLInLocationAndInTheReceiptAndItsTransactionOnceKnown() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer(["answer_mode": "async"])
        let (url, body, _, offers) = try await bed.challenge(server)
        let http = HTTPExchange()
        let payment = try PaymentHeaderBuilder(chainID: bed.chain.chainID).pay(version: 2, accepts: offers, buyer: try bed.buyerKey(6))
        let first = try await http.send("POST", url, headers: [payment.headerName: payment.headerValue], body: body)
        XCTAssertEqual(first.status, 202, first.bodyText)
        let id = try XCTUnwrap(try StrictJSONParser.parse(first.body)["paymentQueueId"]?.stringValue)
        let statusURL = server.baseURL + "/api/payment/\(id)"
        XCTAssertEqual(first.headers["location"], statusURL)
        XCTAssertEqual(first.headers["retry-after"], "2")
        let receipt = try SettlementResponse(header: try XCTUnwrap(first.headers["payment-response"]), name: "PAYMENT-RESPONSE")
        XCTAssertEqual(receipt.errorReason, "settlement_pending")
        let following = receipt.extensions?["payment-status"]?["info"]
        XCTAssertEqual(following?["paymentId"]?.stringValue, id)
        XCTAssertEqual(following?["statusUrl"]?.stringValue, statusURL)
        XCTAssertNotNil(following?["state"]?.stringValue)
        // The Location answers.
        let status = try await http.send("GET", URL(string: statusURL)!)
        XCTAssertEqual(status.status, 200, status.bodyText)

        // Sent again once signed: the receipt names the transaction.
        let signed = try await bed.waitUntilMinted(id)
        let again = try await http.send("POST", url, headers: [payment.headerName: payment.headerValue], body: body)
        XCTAssertTrue(again.status == 200 || again.status == 202, again.bodyText)
        let receiptAgain = try SettlementResponse(header: try XCTUnwrap(again.headers["payment-response"]), name: "PAYMENT-RESPONSE")
        XCTAssertEqual(receiptAgain.transaction, signed.txHash)
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }
}
