import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402Buyer
import XCTest

/// Issue 19: the official SDK's resource server repeats a `/settle` only when a
/// `settlement_pending` answer names a transaction; otherwise it answers the buyer 402 and the
/// buyer pays again. A settle that queued a payment answers with its transaction hash.
final class FacilitatorSettleHashTests: XCTestCase {
    func testWithSendingHeldPastTheDeadlineTheSDKResourceServerGetsAHashRetriesAndTheBuyerPaysOnce() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer(["settle_deadline_seconds": "5"])
        let buyer = bed.chain.buyers[2].address
        let ceiling = try await bed.client.settings().first { $0.key == "max_fee_per_gas_wei" }?.value ?? "500000000000"
        // Nothing can be signed: every fee is above a ceiling of 1 wei.
        _ = try await bed.client.updateSetting(key: "max_fee_per_gas_wei", value: "1")
        let arguments = [
            "--facilitator-url", server.baseURL + "/facilitator", "--key-file", try bed.buyerKeyFile(2),
            "--chain-id", String(bed.chain.chainID), "--asset", bed.chain.usdc, "--pay-to", bed.chain.receiver,
            "--amount", String(PaymentdWorkspace.unitPrice), "--eip712-name", bed.chain.usdcName, "--eip712-version", bed.chain.usdcVersion]
        let sdk = Task { try await bed.runSDK("settle_held.py", arguments) }
        let deadline = Date().addingTimeInterval(60)
        var queued: [PaymentSnapshot] = []
        while queued.isEmpty, Date() < deadline {
            queued = try await bed.client.list(PaymentListFilter(payer: buyer, limit: 10))
            if queued.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        XCTAssertEqual(queued.count, 1, "the settle queued its payment")
        // The fault lasts past the 5 s settle deadline; then sending resumes.
        try await Task.sleep(for: .seconds(8))
        let held = try await bed.client.list(PaymentListFilter(payer: buyer, limit: 10))
        XCTAssertNil(held.first?.txHash, "nothing was signed while held")
        _ = try await bed.client.updateSetting(key: "max_fee_per_gas_wei", value: ceiling)
        let result = try await sdk.value

        let answers = result["answers"]?.arrayValue ?? []
        XCTAssertFalse(answers.isEmpty, "\(result)")
        for answer in answers {
            let transaction = answer["transaction"]?.stringValue ?? ""
            XCTAssertEqual(transaction.count, 66, "every settle answer names the transaction: \(answer)")
        }
        XCTAssertEqual(result["result"]?["success"], true, "the SDK resource server ends with a settled payment: \(result)")
        let transaction = try XCTUnwrap(result["result"]?["transaction"]?.stringValue)
        let payments = try await bed.client.list(PaymentListFilter(payer: buyer, limit: 10))
        XCTAssertEqual(payments.count, 1, "the buyer signed once and paid once: \(payments)")
        XCTAssertEqual(payments.first?.txHash, transaction)
        _ = try await bed.waitUntilMinted(try XCTUnwrap(payments.first?.paymentID))

        // The same settle again while paymentd is down: the transaction already named, not "unavailable".
        await bed.daemon.terminate()
        let body = JSONWriter.bytes(try XCTUnwrap(result["settle_body"]))
        let again = try await HTTPExchange().send("POST", URL(string: server.baseURL + "/facilitator/settle")!,
                                                  headers: ["Content-Type": "application/json"], body: body)
        XCTAssertEqual(again.status, 200, again.bodyText)
        let answer = try StrictJSONParser.parse(again.body)
        XCTAssertEqual(answer["success"], true, "\(answer)")
        XCTAssertEqual(answer["transaction"]?.stringValue, transaction)
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }
}
