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

        // Its changes as Server-Sent Events, until it is done (the body ends with the stream).
        let events = try await http.send("GET", URL(string: statusURL + "/events")!)
        XCTAssertEqual(events.status, 200, events.bodyText)
        XCTAssertEqual(events.headers["content-type"], "text/event-stream; charset=utf-8")
        let frames = events.bodyText.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: ") }
        XCTAssertEqual(frames.last?.hasPrefix("event: end\ndata: "), true, events.bodyText)
        let last = try XCTUnwrap(frames.dropLast().last, events.bodyText)
        XCTAssertTrue(last.hasPrefix("event: payment\ndata: "), last)
        let final = try StrictJSONParser.parse(String(last.dropFirst("event: payment\ndata: ".count)))
        XCTAssertEqual(final["status"], "completed", "\(final)")
        XCTAssertEqual(final["mints"]?.arrayValue?.compactMap { $0["status"]?.stringValue }, ["completed"], "\(final)")
        let missing = try await http.send("GET", URL(string: server.baseURL + "/api/payment/00000000-0000-4000-8000-0000000000aa/events")!)
        XCTAssertEqual(missing.status, 404, missing.bodyText)

        // Sent again once signed: the receipt names the transaction.
        let signed = try await bed.waitUntilMinted(id)
        let again = try await http.send("POST", url, headers: [payment.headerName: payment.headerValue], body: body)
        XCTAssertTrue(again.status == 200 || again.status == 202, again.bodyText)
        let receiptAgain = try SettlementResponse(header: try XCTUnwrap(again.headers["payment-response"]), name: "PAYMENT-RESPONSE")
        XCTAssertEqual(receiptAgain.transaction, signed.txHash)

        // The facilitator's lookup by authorization: the same settlement, or 404 / 400.
        let lookupBase = server.baseURL + "/facilitator/settlement/" + payment.payload.authorization.from + "/"
        let lookup = try await http.send("GET", URL(string: lookupBase + payment.payload.authorization.nonce)!)
        XCTAssertEqual(lookup.status, 200, lookup.bodyText)
        let found = try StrictJSONParser.parse(lookup.body)
        XCTAssertEqual(found["success"], true, "\(found)")
        XCTAssertEqual(found["transaction"]?.stringValue, signed.txHash)
        XCTAssertEqual(found["paymentId"]?.stringValue, id)
        let unknown = try await http.send("GET", URL(string: lookupBase + "0x" + String(repeating: "0", count: 64))!)
        XCTAssertEqual(unknown.status, 404, unknown.bodyText)
        let malformed = try await http.send("GET", URL(string: lookupBase + "0x12")!)
        XCTAssertEqual(malformed.status, 400, malformed.bodyText)
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }
}
