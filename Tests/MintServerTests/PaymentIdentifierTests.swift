import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer
import XCTest

/// Issue 19, 2: the 402 declares x402's `payment-identifier` and mint-server honours it through
/// paymentd's idempotency key (in PostgreSQL): the same id with the same payload is the first
/// payment; the same id re-signed with a fresh nonce is refused 409 and its authorization is
/// never settled, on any instance; a server that requires an id refuses a payment without one.
final class PaymentIdentifierTests: XCTestCase {
    func testOneIdIsOnePurchaseAReSignedPayloadUnderItIsNeverSettledAndARequiredIdIsEnforced() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer()
        let (url, body, challenge, _) = try await bed.challenge(server)
        let http = HTTPExchange()
        let header = try XCTUnwrap(challenge.headers["payment-required"])
        let declared = try Base64JSON.decode(header, name: "PAYMENT-REQUIRED")["extensions"]?[PaymentIdentifier.key]
        XCTAssertEqual(declared?["info"]?["required"], false, "declared, not required: \(String(describing: declared))")
        XCTAssertEqual(declared?["schema"]?["properties"]?["id"]?["minLength"], 16)

        let buyer = bed.chain.buyers[0].address
        let signed = try await bed.runSDK("payment_identifier.py", [
            "--payment-required", header, "--key-file", try bed.buyerKeyFile(0), "--chain-id", String(bed.chain.chainID),
            "--asset", bed.chain.usdc, "--id", "purchase-0001-identifier"])
        let headers = try XCTUnwrap(signed["headers"]?.arrayValue?.compactMap(\.stringValue))
        let nonces = try XCTUnwrap(signed["nonces"]?.arrayValue?.compactMap(\.stringValue))
        XCTAssertEqual(headers.count, 2)
        XCTAssertNotEqual(nonces[0], nonces[1], "re-signed: a fresh nonce")
        let receiverBefore = try usdcBalance(bed.chain.receiver, bed: bed)

        let first = try await http.send("POST", url, headers: ["PAYMENT-SIGNATURE": headers[0]], body: body)
        XCTAssertEqual(first.status, 200, "settled within the deadline (v2 clients are answered in settle mode): \(first.bodyText)")
        let paymentID = try XCTUnwrap(try StrictJSONParser.parse(first.body)["paymentQueueId"]?.stringValue)
        let receipt = try SettlementResponse(header: try XCTUnwrap(first.headers["payment-response"]), name: "PAYMENT-RESPONSE")
        XCTAssertEqual(receipt.extensions?[PaymentIdentifier.key]?["info"]?["id"], "purchase-0001-identifier", "the id echoed")

        let again = try await http.send("POST", url, headers: ["PAYMENT-SIGNATURE": headers[0]], body: body)
        XCTAssertTrue(again.status == 200 || again.status == 202, again.bodyText)
        XCTAssertEqual(try StrictJSONParser.parse(again.body)["paymentQueueId"]?.stringValue, paymentID, "the same id and payload: the first payment")

        let resigned = try await http.send("POST", url, headers: ["PAYMENT-SIGNATURE": headers[1]], body: body)
        XCTAssertEqual(resigned.status, 409, resigned.bodyText)
        XCTAssertTrue(resigned.bodyText.contains("purchase-0001-identifier"), resigned.bodyText)

        // Durable: another instance, sharing only paymentd (and its PostgreSQL), refuses it too.
        let other = try await bed.startMintServer(name: "mint-server-2")
        let otherURL = URL(string: other.baseURL + "/api/mint/\(bed.chain.mintToken)")!
        let elsewhere = try await http.send("POST", otherURL, headers: ["PAYMENT-SIGNATURE": headers[1]], body: body)
        XCTAssertEqual(elsewhere.status, 409, elsewhere.bodyText)

        _ = try await bed.waitUntilMinted(paymentID)
        let payments = try await bed.client.list(PaymentListFilter(payer: buyer, limit: 10))
        XCTAssertEqual(payments.map(\.paymentID), [paymentID], "one purchase, one payment")
        XCTAssertEqual(try usdcBalance(bed.chain.receiver, bed: bed) - receiverBefore, UInt256(PaymentdWorkspace.unitPrice), "charged once")
        XCTAssertFalse(try authorizationUsed(payer: buyer, nonce: nonces[1], bed: bed), "the re-signed authorization was never settled")

        // Required: a version 2 payment without an id is refused before anything is queued.
        let strict = try await bed.startMintServer(name: "mint-server-strict", ["payment_identifier_required": "true"])
        let (strictURL, _, strictChallenge, offers) = try await bed.challenge(strict)
        let strictDeclared = try Base64JSON.decode(try XCTUnwrap(strictChallenge.headers["payment-required"]), name: "PAYMENT-REQUIRED")
        XCTAssertEqual(strictDeclared["extensions"]?[PaymentIdentifier.key]?["info"]?["required"], true)
        let anonymous = try PaymentHeaderBuilder(chainID: bed.chain.chainID).pay(version: 2, accepts: offers, buyer: try bed.buyerKey(1))
        let refused = try await http.send("POST", strictURL, headers: [anonymous.headerName: anonymous.headerValue], body: body)
        XCTAssertEqual(refused.status, 400, refused.bodyText)
        XCTAssertTrue(refused.bodyText.contains("payment-identifier"), refused.bodyText)
        let none = try await bed.client.list(PaymentListFilter(payer: bed.chain.buyers[1].address, limit: 10))
        XCTAssertTrue(none.isEmpty, "nothing queued for the refused")

        for process in [server, other, strict] {
            let exitStatus = await process.terminate()
            XCTAssertEqual(exitStatus, 0)
        }
        await bed.shutDown()
    }

    /// The server-side purchase key, for clients that send no id: within the window a second
    /// authorization for the same purchase gets the first payment; another purchase is its own.
    func testWithAPurchaseKeyWindowASecondAuthorizationForTheSamePurchaseGetsTheFirstPayment() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer(["purchase_key_window_seconds": "60", "answer_mode": "async"])
        let (url, body, _, offers) = try await bed.challenge(server)
        let http = HTTPExchange()
        let builder = PaymentHeaderBuilder(chainID: bed.chain.chainID)
        let buyer = try bed.buyerKey(7)
        let first = try builder.pay(version: 2, accepts: offers, buyer: buyer)
        let resigned = try builder.pay(version: 2, accepts: offers, buyer: buyer)
        XCTAssertNotEqual(first.payload.authorization.nonce, resigned.payload.authorization.nonce)
        let one = try await http.send("POST", url, headers: [first.headerName: first.headerValue], body: body)
        XCTAssertEqual(one.status, 202, one.bodyText)
        let paymentID = try XCTUnwrap(try StrictJSONParser.parse(one.body)["paymentQueueId"]?.stringValue)
        let two = try await http.send("POST", url, headers: [resigned.headerName: resigned.headerValue], body: body)
        XCTAssertTrue(two.status == 200 || two.status == 202, two.bodyText)
        XCTAssertEqual(try StrictJSONParser.parse(two.body)["paymentQueueId"]?.stringValue, paymentID, "the same purchase: the first payment")
        XCTAssertEqual(try StrictJSONParser.parse(two.body)["duplicate"], true)

        // Another purchase (two items) by the same buyer is a payment of its own.
        let twoItems = JSONWriter.bytes(["quantity": 2])
        let bigger = try await http.send("POST", url, body: twoItems)
        let biggerOffers = try PaymentChallenge.offers(paymentRequiredHeader: bigger.headers["payment-required"], body: bigger.body).accepts
        let other = try builder.pay(version: 2, accepts: biggerOffers, buyer: buyer)
        let three = try await http.send("POST", url, headers: [other.headerName: other.headerValue], body: twoItems)
        XCTAssertEqual(three.status, 202, three.bodyText)
        let otherID = try XCTUnwrap(try StrictJSONParser.parse(three.body)["paymentQueueId"]?.stringValue)
        XCTAssertNotEqual(otherID, paymentID)

        _ = try await bed.waitUntilMinted(paymentID)
        _ = try await bed.waitUntilMinted(otherID)
        let payments = try await bed.client.list(PaymentListFilter(payer: buyer.address.checksummed, limit: 10))
        XCTAssertEqual(Set(payments.map(\.paymentID)), [paymentID, otherID])
        XCTAssertFalse(try authorizationUsed(payer: buyer.address.checksummed, nonce: resigned.payload.authorization.nonce, bed: bed),
                       "the second authorization for the first purchase was never settled")
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    private func usdcBalance(_ account: String, bed: EndToEndBed) throws -> UInt256 {
        let data = USDCCalldata.balanceOf(try Address(hex: account))
        let result = try bed.chain.control("eth_call", [["to": .string(bed.chain.usdc), "data": .string(Hex.encode(data))], "latest"])
        return try ABI.decodeUInt256(try Hex.decode(result.stringValue ?? ""))
    }

    private func authorizationUsed(payer: String, nonce: String, bed: EndToEndBed) throws -> Bool {
        let data = USDCCalldata.authorizationState(authorizer: try Address(hex: payer), nonce: try Bytes32(hex: nonce))
        let result = try bed.chain.control("eth_call", [["to": .string(bed.chain.usdc), "data": .string(Hex.encode(data))], "latest"])
        return try ABI.decodeUInt256(try Hex.decode(result.stringValue ?? "")) != .zero
    }
}
