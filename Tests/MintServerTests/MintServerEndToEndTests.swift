import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer
import XCTest

/// mint-server end to end on the devchain with a real paymentd, driven by independent clients:
/// the official x402 Python SDK as buyer (v1 and v2) and as facilitator client and resource
/// server, and our own `x402-buy`. 402 → pay → 202/200 → completed → tokens minted on chain.
final class MintServerEndToEndTests: XCTestCase {
    func testTheOfficialSDKBuyerPaysInBothVersionsAndBothAnswerModesAndTheTokensAreMinted() async throws {
        let bed = try await EndToEndBed()
        // One server, both modes: the code's route holds the request until settled, the summary's answers at once.
        let server = try await bed.startMintServer(["mint_answer_mode": "settle", "batch_mint_answer_mode": "async"])
        let cases: [(version: Int, path: String, buyer: Int, quantity: Int, status: Int)] = [
            (2, "/api/mint/\(bed.chain.mintToken)", 0, 2, 200),
            (1, "/api/mint/\(bed.chain.mintToken)", 1, 1, 200),
            (2, "/api/x402-batch-mint", 2, 3, 202),
            (1, "/api/x402-batch-mint", 3, 1, 202),
        ]
        var paid: [(paymentID: String, buyer: String, quantity: Int, before: UInt256)] = []
        for item in cases {
            let buyer = bed.chain.buyers[item.buyer].address
            let before = try bed.mintBalance(buyer)
            let result = try await bed.runSDK("buyer.py", [
                "--url", server.baseURL + item.path, "--key-file", try bed.buyerKeyFile(item.buyer), "--chain-id", String(bed.chain.chainID),
                "--asset", bed.chain.usdc, "--v1-network", EndToEndBed.v1Network, "--version", String(item.version),
                "--quantity", String(item.quantity)])
            let label = "v\(item.version) \(item.path): \(result)"
            XCTAssertEqual(result["status"]?.intValue, Int64(item.status), label)
            XCTAssertEqual(result["receipt_header"]?.stringValue, item.version == 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE", label)
            XCTAssertEqual(result["receipt"]?["network"]?.stringValue, item.version == 1 ? EndToEndBed.v1Network : "eip155:\(bed.chain.chainID)")
            if item.status == 200 {
                XCTAssertEqual(result["receipt"]?["success"], true, label)
                XCTAssertEqual(result["receipt"]?["transaction"]?.stringValue?.count, 66, label)
                XCTAssertEqual(result["body"]?["status"], "completed", label)
            } else {
                XCTAssertEqual(result["receipt"]?["errorReason"], "settlement_pending", label)
                XCTAssertEqual(result["body"]?["status"], "payment_pending", label)
                XCTAssertEqual(result["body"]?["paymentMode"], "x402", label)
            }
            XCTAssertEqual(result["body"]?["quantity"]?.intValue, Int64(item.quantity), label)
            let id = try XCTUnwrap(result["body"]?["paymentQueueId"]?.stringValue, label)
            paid.append((id, buyer, item.quantity, before))
        }
        for payment in paid {
            let snapshot = try await bed.waitUntilMinted(payment.paymentID)
            XCTAssertEqual(snapshot.mints.count, payment.quantity)
            let after = try bed.mintBalance(payment.buyer)
            XCTAssertEqual(after - payment.before, try bed.tokensPerMint * UInt256(UInt64(payment.quantity)),
                           "the buyer holds exactly what it paid for")
            // The seed's status route sees the same payment, with its mints.
            let view = try await HTTPExchange().send("GET", URL(string: server.baseURL + "/api/payment/\(payment.paymentID)")!)
            let body = try StrictJSONParser.parse(view.body)
            XCTAssertEqual(body["status"], "completed")
            XCTAssertEqual(body["mints"]?.arrayValue?.count, payment.quantity)
        }
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0, server.log())
        await bed.shutDown()
    }

    func testTheOfficialSDKFacilitatorClientAndResourceServerSettleThroughUsExactlyOnce() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer()
        let amount = String(PaymentdWorkspace.unitPrice * 2)
        let before = try bed.mintBalance(bed.chain.buyers[4].address)
        let result = try await bed.runSDK("facilitator_client.py", [
            "--facilitator-url", server.baseURL + "/facilitator", "--key-file", try bed.buyerKeyFile(4),
            "--chain-id", String(bed.chain.chainID), "--asset", bed.chain.usdc, "--pay-to", bed.chain.receiver, "--amount", amount,
            "--eip712-name", bed.chain.usdcName, "--eip712-version", bed.chain.usdcVersion])
        let networks = result["supported"]?["kinds"]?.arrayValue?.compactMap { $0["network"]?.stringValue } ?? []
        XCTAssertTrue(networks.contains("eip155:\(bed.chain.chainID)"), "\(result)")
        XCTAssertFalse(networks.contains { $0.contains("*") }, "no wildcard network")
        XCTAssertEqual(result["verify"]?["isValid"], true, "\(result)")
        XCTAssertEqual(result["settle"]?["success"], true, "\(result)")
        let transaction = try XCTUnwrap(result["settle"]?["transaction"]?.stringValue)
        XCTAssertEqual(transaction.count, 66)
        XCTAssertEqual(result["settle_again"]?["success"], true, "a repeated settle is the same settlement")
        XCTAssertEqual(result["settle_again"]?["transaction"]?.stringValue, transaction)
        XCTAssertEqual(result["verify_elsewhere"]?["isValid"], false, "not an open relayer")
        XCTAssertEqual(result["verify_elsewhere"]?["invalidReason"], "invalid_payment_requirements")
        XCTAssertEqual(result["settle_elsewhere"]?["success"], false)
        XCTAssertEqual(result["settle_elsewhere"]?["transaction"], "")
        XCTAssertEqual(result["verify_tampered"]?["isValid"], false)
        XCTAssertEqual(result["verify_tampered"]?["invalidReason"], "invalid_exact_evm_payload_signature")
        XCTAssertEqual(result["server_verify"]?["isValid"], true, "\(result)")
        XCTAssertEqual(result["server_settle"]?["success"], true, "\(result)")

        // Two settles, two payments of two items each, minted to the payer.
        let payments = try await bed.client.list(PaymentListFilter(payer: bed.chain.buyers[4].address, limit: 10))
        XCTAssertEqual(payments.count, 2, "\(payments)")
        for payment in payments { _ = try await bed.waitUntilMinted(payment.paymentID) }
        XCTAssertEqual(try bed.mintBalance(bed.chain.buyers[4].address) - before, try bed.tokensPerMint * UInt256(4),
                       "\(payments.map { ($0.amount, $0.mints.count, $0.metadata as Any) })")
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    func testBadPaymentsGetTheirStatusAndMessageAndARetryGetsTheSamePayment() async throws {
        let bed = try await EndToEndBed()
        // Answered at once (v2 clients are answered in settle mode by default).
        let server = try await bed.startMintServer(["answer_mode": "async"])
        let url = URL(string: server.baseURL + "/api/mint/\(bed.chain.mintToken)")!
        let http = HTTPExchange()
        let body = JSONWriter.bytes(["quantity": 1])
        let challenge = try await http.send("POST", url, body: body)
        XCTAssertEqual(challenge.status, 402)
        let offers = try PaymentChallenge.offers(paymentRequiredHeader: challenge.headers["payment-required"], body: challenge.body)
        let builder = PaymentHeaderBuilder(chainID: bed.chain.chainID)

        // A good payment, sent twice: one payment.
        let good = try builder.pay(version: 2, accepts: offers.accepts, buyer: try bed.buyerKey(5))
        let first = try await http.send("POST", url, headers: [good.headerName: good.headerValue], body: body)
        let second = try await http.send("POST", url, headers: [good.headerName: good.headerValue], body: body)
        XCTAssertEqual(first.status, 202, first.bodyText)
        XCTAssertEqual(second.status, 202, second.bodyText)
        let id = try StrictJSONParser.parse(first.body)["paymentQueueId"]
        XCTAssertEqual(try StrictJSONParser.parse(second.body)["paymentQueueId"], id, "a buyer's retry names the same payment")
        XCTAssertEqual(try StrictJSONParser.parse(second.body)["duplicate"], true)

        // Signed by someone else: paymentd's signature check, as an x402 reason.
        var forged = try builder.pay(version: 2, accepts: offers.accepts, buyer: try bed.buyerKey(6))
        forged.payload.authorization.from = bed.chain.buyers[7].address
        let refused = try await http.send("POST", url, headers: [forged.headerName: forged.headerValue], body: body)
        XCTAssertEqual(refused.status, 402, refused.bodyText)
        XCTAssertEqual(try StrictJSONParser.parse(refused.body)["error"], "invalid_exact_evm_payload_signature")
        XCTAssertNotNil(try StrictJSONParser.parse(refused.body)["message"]?.stringValue)

        // Expiring too soon for paymentd to settle.
        var short = offers.accepts
        short[0].maxTimeoutSeconds = 5
        var expiring = try builder.pay(version: 2, accepts: short, buyer: try bed.buyerKey(6))
        expiring.payload.accepted = offers.accepts[0]
        let late = try await http.send("POST", url, headers: [expiring.headerName: expiring.headerValue], body: body)
        XCTAssertEqual(late.status, 402, late.bodyText)
        XCTAssertEqual(try StrictJSONParser.parse(late.body)["error"], "invalid_exact_evm_payload_authorization_valid_before")

        // Over the payer's pending limit: the seed's 429.
        _ = try await bed.client.updateSetting(key: "max_pending_per_payer", value: "1")
        let busy = try builder.pay(version: 1, accepts: try PaymentChallenge.offers(paymentRequiredHeader: nil, body: challenge.body).accepts
                                   .map { var offer = $0; offer.network = "eip155:\(bed.chain.chainID)"; return offer },
                                   buyer: try bed.buyerKey(5))
        var busyPayload = busy.payload
        busyPayload.network = EndToEndBed.v1Network
        let tooMany = try await http.send("POST", url, headers: ["X-PAYMENT": busyPayload.headerValue], body: body)
        if tooMany.status != 429 {
            // The first payment may have settled already; then the limit is not reached.
            XCTAssertEqual(tooMany.status, 202, tooMany.bodyText)
        } else {
            XCTAssertEqual(try StrictJSONParser.parse(tooMany.body)["error"], "Too many pending payments")
            XCTAssertNotNil(try StrictJSONParser.parse(tooMany.body)["pendingCount"]?.intValue)
        }
        _ = try await bed.client.updateSetting(key: "max_pending_per_payer", value: "1000")

        // paymentd gone: 503 with Retry-After, never a 402 for a payment that may be queued.
        await bed.daemon.terminate()
        let down = try await http.send("POST", url, headers: [good.headerName: good.headerValue], body: body)
        XCTAssertEqual(down.status, 503, down.bodyText)
        XCTAssertNotNil(down.headers["retry-after"])
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    func testTheSwiftBuyerToolPaysAndFollowsEveryPurchaseToCompletion() async throws {
        let bed = try await EndToEndBed()
        // Every purchase answered 202 and followed (v2 clients are answered in settle mode by default).
        let server = try await bed.startMintServer(["answer_mode": "async"])
        let keys = try bed.workspace.writeSecret(bed.chain.buyers[6...7].map(\.privateKey).joined(separator: "\n") + "\n", named: "buyers.keys")
        let tool = try PaymentdProcess.binaryPath(named: "x402-buy")
        for version in ["1", "2"] {
            let result = try await BlockingWork.run {
                try ChildProcess.run(tool, [server.baseURL + "/api/mint/\(bed.chain.mintToken)", "--key-file", keys,
                                            "--chain-id", String(bed.chain.chainID), "--network", "\(EndToEndBed.v1Network)=\(bed.chain.chainID)",
                                            "--x402-version", version, "--count", "4", "--concurrency", "2", "--quantity", "2"],
                                     timeoutSeconds: 240)
            }
            XCTAssertEqual(result.status, 0, "\(result)")
            XCTAssertTrue(result.stdout.contains("answers: HTTP 202 4"), result.stdout)
            XCTAssertTrue(result.stdout.contains("payment statuses: completed 4"), result.stdout)
            XCTAssertTrue(result.stdout.contains("pay -> completed: p50"), result.stdout)
        }
        let exitStatus = await server.terminate()
        XCTAssertEqual(exitStatus, 0)
        await bed.shutDown()
    }

    func testSIGTERMStopsMintServerGracefully() async throws {
        let bed = try await EndToEndBed()
        let server = try await bed.startMintServer()
        let health = try await HTTPExchange().send("GET", URL(string: server.baseURL + "/health")!)
        XCTAssertEqual(health.status, 200)
        server.signal(SIGTERM)
        let exitStatus = try await server.waitForExit(timeout: 15)
        XCTAssertEqual(exitStatus, 0, server.log())
        await bed.shutDown()
    }
}
