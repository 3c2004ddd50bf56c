import Foundation
import Ethereum
import JSON
import LineProtocolTesting
import MintServer
import PaymentModel
import X402
import XCTest

/// The routes' statuses and bodies, pinned to the seed's shapes (SEED-FACTS.md) and x402's
/// (X402-FACTS.md), with the real client and protocol server in front of an in-memory daemon.
final class MintServerRoutesTests: XCTestCase {
    func testAnUnpaidRequestGetsOneChallengeForBothGenerationsOfClient() async throws {
        let server = try await InMemoryMintServer.start()
        let answer = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", json: ["quantity": 3])
        await server.stop()
        XCTAssertEqual(answer.status, 402)
        XCTAssertEqual(answer.headers["x-payment-required"], "x402")
        XCTAssertEqual(answer.headers["x-payment-version"], "1")
        let body = try StrictJSONParser.parse(answer.body)
        XCTAssertEqual(body["x402Version"], 1)
        XCTAssertEqual(body["error"], "payment_required")
        XCTAssertNotNil(body["message"]?.stringValue)
        let v1 = try XCTUnwrap(body["accepts"]?.arrayValue?.first)
        XCTAssertEqual(v1["scheme"], "exact")
        XCTAssertEqual(v1["network"], "devchain")
        XCTAssertEqual(v1["maxAmountRequired"], "3000", "unit price × quantity from paymentd's price list")
        XCTAssertEqual(v1["asset"]?.stringValue?.lowercased(), InMemoryMintServer.asset)
        XCTAssertEqual(v1["payTo"]?.stringValue?.lowercased(), InMemoryMintServer.payTo)
        XCTAssertEqual(v1["resource"]?.stringValue, server.baseURL + "/api/mint/\(InMemoryMintServer.token)")
        XCTAssertEqual(v1["mimeType"], "application/json")
        XCTAssertEqual(v1["maxTimeoutSeconds"], 300)
        XCTAssertNotNil(v1["description"]?.stringValue)
        XCTAssertEqual(v1["extra"], ["name": "USD Coin", "version": "2"])
        let v2 = try Base64JSON.decode(try XCTUnwrap(answer.headers["payment-required"]), name: "PAYMENT-REQUIRED")
        XCTAssertEqual(v2["x402Version"], 2)
        XCTAssertEqual(v2["resource"]?["url"]?.stringValue, server.baseURL + "/api/mint/\(InMemoryMintServer.token)")
        let offer = try XCTUnwrap(v2["accepts"]?.arrayValue?.first)
        XCTAssertEqual(offer["network"], "eip155:31337")
        XCTAssertEqual(offer["amount"], "3000")
        XCTAssertEqual(offer["extra"]?["version"], "2")
    }

    /// Issue 16, scenario 7: a product whose token cannot serve the purchase is not offered (a
    /// 402 would have the buyer sign for nothing); a payment sent anyway is paymentd's to judge.
    func testASoldOutProductIsNotOfferedButAnsweredSoldOut() async throws {
        let server = try await InMemoryMintServer.start { XCTAssertNil($0.apply(key: "prices_refresh_seconds", value: "0")) }
        let path = "/api/mint/\(InMemoryMintServer.token)"
        await server.service.setAvailableItems(2)
        let two = try await server.send("POST", path, json: ["quantity": 2])
        XCTAssertEqual(two.status, 402, "two left, two asked: offered")
        let three = try await server.send("POST", path, json: ["quantity": 3])
        XCTAssertEqual(three.status, 409, three.bodyText)
        XCTAssertEqual(try StrictJSONParser.parse(three.body)["error"], "sold_out")
        XCTAssertTrue(three.bodyText.contains("2 left"), three.bodyText)
        XCTAssertNil(three.headers["payment-required"], "nothing to pay")
        await server.service.setAvailableItems(0)
        let none = try await server.send("POST", path, json: ["quantity": 1])
        XCTAssertEqual(none.status, 409, none.bodyText)
        await server.stop()
    }

    func testQuantityMustBeOneToTenAndTheTokenMustBeSold() async throws {
        let server = try await InMemoryMintServer.start()
        for quantity in [JSONValue.int(0), .int(11), .string("many"), .double(2.5)] {
            let answer = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", json: ["quantity": quantity])
            XCTAssertEqual(answer.status, 400, "quantity \(quantity)")
            let body = try StrictJSONParser.parse(answer.body)
            XCTAssertEqual(body["error"], "Invalid quantity")
            XCTAssertNotNil(body["message"]?.stringValue)
        }
        let unknown = try await server.send("POST", "/api/mint/0x9999999999999999999999999999999999999999", json: ["quantity": 1])
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(try StrictJSONParser.parse(unknown.body)["error"], "Token not found")
        let notJSON = try await server.http.send("POST", URL(string: server.baseURL + "/api/mint/\(InMemoryMintServer.token)")!, body: Array("{".utf8))
        XCTAssertEqual(notJSON.status, 400)
        await server.stop()
    }

    func testAPaidRequestIsQueuedUnderTheAuthorizationsKeyAndAnswered202InTheSeedsShape() async throws {
        let server = try await InMemoryMintServer.start()
        for version in [1, 2] {
            let payment = try await server.payment(version: version, quantity: 2)
            let answer = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", headers: [payment.name: payment.value],
                                               json: ["quantity": 2])
            XCTAssertEqual(answer.status, 202, answer.bodyText)
            let body = try StrictJSONParser.parse(answer.body)
            XCTAssertEqual(body["success"], true)
            XCTAssertEqual(body["paymentMode"], "x402")
            XCTAssertEqual(body["status"], "payment_pending")
            XCTAssertEqual(body["quantity"], 2)
            XCTAssertEqual(body["payer"]?.stringValue, payment.payload.payer)
            XCTAssertNotNil(body["message"]?.stringValue)
            let id = try XCTUnwrap(body["paymentQueueId"]?.stringValue)
            XCTAssertEqual(body["statusUrl"]?.stringValue, "/api/payment/\(id)")
            let receiptName = version == 1 ? "x-payment-response" : "payment-response"
            let receipt = try SettlementResponse(header: try XCTUnwrap(answer.headers[receiptName]), name: receiptName)
            XCTAssertEqual(receipt.success, false)
            XCTAssertEqual(receipt.errorReason, "settlement_pending")
            XCTAssertEqual(receipt.network, version == 1 ? "devchain" : "eip155:31337")
            let request = try await XCTUnwrapAsync(await server.service.enqueued.last)
            let authorizationID = Bytes32.keccak256(Array("\(InMemoryMintServer.asset.lowercased()):\(payment.payload.authorization.nonce.lowercased())".utf8))
            XCTAssertEqual(request.idempotencyKey, "x402:\(payment.payload.payer.lowercased()):\(authorizationID.hex)")
            XCTAssertEqual(request.amount, "2000")
            XCTAssertEqual(request.token?.lowercased(), InMemoryMintServer.token)
            XCTAssertEqual(request.paymentToken.lowercased(), InMemoryMintServer.asset)
            XCTAssertEqual(request.metadata["quantity"], 2)
            XCTAssertEqual(request.metadata["recipient"]?.stringValue, payment.payload.payer)
            XCTAssertEqual(request.authorization, payment.payload.authorization)

            // The buyer's retry of the same payment names the same payment.
            let again = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", headers: [payment.name: payment.value],
                                              json: ["quantity": 2])
            XCTAssertEqual(again.status, 202)
            XCTAssertEqual(try StrictJSONParser.parse(again.body)["paymentQueueId"]?.stringValue, id)
            XCTAssertEqual(try StrictJSONParser.parse(again.body)["duplicate"], true)
        }
        let count = await server.service.paymentCount
        XCTAssertEqual(count, 2)
        await server.stop()
    }

    func testMalformedPaymentHeadersAre400WithAPreciseReason() async throws {
        let server = try await InMemoryMintServer.start()
        let path = "/api/mint/\(InMemoryMintServer.token)"
        let notBase64 = try await server.send("POST", path, headers: ["X-PAYMENT": "%%%"], json: ["quantity": 1])
        XCTAssertEqual(notBase64.status, 400)
        XCTAssertEqual(try StrictJSONParser.parse(notBase64.body)["error"], "invalid_payload")
        let badNonce = try await server.payment(version: 2) { $0.authorization.nonce = "0x1234" }
        let answer = try await server.send("POST", path, headers: [badNonce.name: badNonce.value], json: ["quantity": 1])
        XCTAssertEqual(answer.status, 400)
        let message = try StrictJSONParser.parse(answer.body)["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains("payload.authorization.nonce"), message)
        let enqueued = await server.service.enqueued.count
        XCTAssertEqual(enqueued, 0, "nothing malformed reaches paymentd")
        await server.stop()
    }

    func testAPaymentForSomethingElseIs402WithTheReason() async throws {
        let server = try await InMemoryMintServer.start()
        let path = "/api/mint/\(InMemoryMintServer.token)"
        let cases: [(String, Int, (inout PaymentPayload) -> Void)] = [
            ("invalid_exact_evm_payload_authorization_value", 1, { $0.authorization.value = "999" }),
            ("invalid_exact_evm_payload_recipient_mismatch", 1, { $0.authorization.to = "0x6666666666666666666666666666666666666666" }),
            ("invalid_exact_evm_network_mismatch", 1, { $0.network = "base" }),
            ("invalid_exact_evm_payload_authorization_value", 2, { $0.accepted?.amount = "1" }),
            ("invalid_payment_requirements", 2, { $0.accepted?.maxTimeoutSeconds = 60 }),
        ]
        for (reason, version, edit) in cases {
            let payment = try await server.payment(version: version, edit: edit)
            let answer = try await server.send("POST", path, headers: [payment.name: payment.value], json: ["quantity": 1])
            XCTAssertEqual(answer.status, 402, reason)
            let body = try StrictJSONParser.parse(answer.body)
            XCTAssertEqual(body["error"]?.stringValue, reason)
            XCTAssertNotNil(body["accepts"], "a refused payment gets the challenge again")
            XCTAssertNotNil(answer.headers["payment-required"])
            let receiptName = version == 1 ? "x-payment-response" : "payment-response"
            XCTAssertEqual(try SettlementResponse(header: try XCTUnwrap(answer.headers[receiptName]), name: receiptName).errorReason, reason)
        }
        let enqueued = await server.service.enqueued.count
        XCTAssertEqual(enqueued, 0)
        await server.stop()
    }

    func testPaymentdsRefusalsMapToX402ReasonsAndStatuses() async throws {
        let server = try await InMemoryMintServer.start()
        let path = "/api/mint/\(InMemoryMintServer.token)"
        let cases: [(PaymentError, Int, String)] = [
            (.invalidSignature("bad"), 402, "invalid_exact_evm_payload_signature"),
            (.signerMismatch(recovered: "0x1", from: "0x2"), 402, "invalid_exact_evm_payload_signature"),
            (.recipientMismatch(to: "0x1", expected: "0x2"), 402, "invalid_exact_evm_payload_recipient_mismatch"),
            (.priceMismatch(amount: "1", expectedAmount: "2", paymentToken: "0x3", unitPrice: "2", quantity: 1), 402,
             "invalid_exact_evm_payload_authorization_value"),
            (.authorizationExpiring(validBefore: "1", minimumSeconds: 60), 402, "invalid_exact_evm_payload_authorization_valid_before"),
            (.authorizationAlreadyUsed(payer: "0x1", nonce: "0x2"), 402, "invalid_exact_evm_nonce_already_used"),
            (.quantityOutOfRange(quantity: 1, maximum: 0, product: "x"), 400, "invalid_quantity"),
            (.duplicateAuthorization(existingPaymentID: "p"), 409, "duplicate_settlement"),
            // Not a 402: paying again would not help (issue 16, scenario 7).
            (.soldOut(product: "0x5", quantity: 2, remaining: 1), 409, "sold_out"),
            (.tooManyPending(payer: "0x1", count: 10, limit: 10), 429, "Too many pending payments"),
            (.unavailable(code: "database_unavailable", message: "down"), 503, "service_unavailable"),
            (.unavailable(code: "rpc_unavailable", message: "down"), 503, "service_unavailable"),
            (.shuttingDown, 503, "service_unavailable"),
        ]
        for (refusal, status, error) in cases {
            await server.service.failEnqueues(with: refusal)
            let payment = try await server.payment(version: 2)
            let answer = try await server.send("POST", path, headers: [payment.name: payment.value], json: ["quantity": 1])
            XCTAssertEqual(answer.status, status, "\(refusal)")
            let body = try StrictJSONParser.parse(answer.body)
            XCTAssertEqual(body["error"]?.stringValue, error, "\(refusal)")
            XCTAssertNotNil(body["message"]?.stringValue, "\(refusal)")
            if status == 429 { XCTAssertEqual(body["pendingCount"], 10) }
            if status == 503 { XCTAssertEqual(answer.headers["retry-after"], "2") }
        }
        await server.stop()
    }

    func testAnUnreachableDaemonIs503WithRetryAfter() async throws {
        let server = try await InMemoryMintServer.start()
        // The server's watch of paymentd's payments is subscribed before paymentd goes away:
        // otherwise its connect can race the stop, land on a connection the draining server
        // never answers, and keep the graceful shutdown below waiting for the idle timeout.
        let watching = await server.harness.eventually { await server.service.watcherCount == 1 }
        XCTAssertTrue(watching, "mint-server never watched paymentd's payments")
        await server.harness.stop(removingDirectory: false)
        let answer = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", json: ["quantity": 1])
        XCTAssertEqual(answer.status, 503, answer.bodyText)
        XCTAssertEqual(answer.headers["retry-after"], "2")
        XCTAssertEqual(try StrictJSONParser.parse(answer.body)["error"], "service_unavailable")
        let health = try await server.send("GET", "/health")
        XCTAssertEqual(health.status, 503)
        XCTAssertEqual(try StrictJSONParser.parse(health.body)["error"], "paymentd_unreachable")
        await server.stop()
    }

    func testPaymentAndStatsRoutesKeepTheSeedsShapesAndBothStatsPathsWork() async throws {
        let server = try await InMemoryMintServer.start()
        let payment = try await server.payment(version: 1)
        let queued = try await server.send("POST", "/api/mint/\(InMemoryMintServer.token)", headers: [payment.name: payment.value],
                                           json: ["quantity": 1])
        let id = try XCTUnwrap(try StrictJSONParser.parse(queued.body)["paymentQueueId"]?.stringValue)
        var snapshot = try await server.service.status(paymentID: id)
        snapshot.status = .completed
        snapshot.txHash = "0x" + String(repeating: "ab", count: 32)
        snapshot.processedAt = Date()
        snapshot.mints = [MintSnapshot(index: 0, recipient: payment.payload.payer, status: .completed,
                                       dedupeHash: "0x" + String(repeating: "cd", count: 32), txHash: "0x" + String(repeating: "ef", count: 32), error: nil)]
        await server.service.insert(snapshot)

        let answer = try await server.send("GET", "/api/payment/\(id)")
        XCTAssertEqual(answer.status, 200)
        let body = try StrictJSONParser.parse(answer.body)
        for key in ["paymentId", "paymentType", "status", "payer", "amount", "paymentTokenAddress", "txHash", "error", "createdAt", "processedAt"] {
            XCTAssertNotNil(body[key], "the seed's \(key)")
        }
        XCTAssertEqual(body["paymentId"]?.stringValue, id)
        XCTAssertEqual(body["status"], "completed")
        XCTAssertEqual(body["amount"], "1000", "amounts stay strings")
        XCTAssertEqual(body["mints"]?.arrayValue?.first?["txHash"]?.stringValue, "0x" + String(repeating: "ef", count: 32))
        XCTAssertEqual(body["mints"]?.arrayValue?.first?["status"], "completed")

        let missing = try await server.send("GET", "/api/payment/6f1c0a59-0000-4000-8000-000000000000")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try StrictJSONParser.parse(missing.body)["error"], "Payment not found")
        let malformed = try await server.send("GET", "/api/payment/not-a-uuid")
        XCTAssertEqual(malformed.status, 404)

        for path in ["/api/payment-stats", "/api/payment/stats"] {
            let stats = try await server.send("GET", path)
            XCTAssertEqual(stats.status, 200, "\(path): the seed's route-order bug took stats for a payment id")
            let counts = try StrictJSONParser.parse(stats.body)
            for status in ["pending", "processing", "sent", "completed", "failed", "confirmation_failed"] {
                XCTAssertNotNil(counts[status]?.intValue, "\(path) \(status)")
            }
            XCTAssertEqual(counts["completed"], 1)
            XCTAssertNotNil(counts["nonceState"]?["currentNonce"])
            XCTAssertNotNil(counts["nonceState"]?["lastUsedNonce"])
        }
        let health = try await server.send("GET", "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(try StrictJSONParser.parse(health.body)["status"], "ok")
        await server.stop()
    }

    func testSettleModeAnswers200OnceSettled202PastTheDeadlineAnd402OnlyWhenFailedForGood() async throws {
        let server = try await InMemoryMintServer.start { XCTAssertNil($0.apply(key: "answer_mode", value: "settle")) }
        let path = "/api/mint/\(InMemoryMintServer.token)"
        // Pending past the 2 s deadline: 202, settlement pending, never a 402.
        let slow = try await server.payment(version: 2)
        let pending = try await server.send("POST", path, headers: [slow.name: slow.value], json: ["quantity": 1])
        XCTAssertEqual(pending.status, 202, pending.bodyText)
        XCTAssertEqual(try SettlementResponse(header: try XCTUnwrap(pending.headers["payment-response"]), name: "PAYMENT-RESPONSE").errorReason,
                       "settlement_pending")

        // Completed while the request waits: 200 with the transaction.
        let quick = try await server.payment(version: 2)
        let payer = quick.payload.authorization.from.lowercased()
        let settler = Task {
            // Completes the payment once the request is waiting for it: enqueued, and its status
            // read (still pending) at least once. Gives up at the 2 s settle deadline, past which
            // the request has been answered 202 anyway (and the 200 below fails).
            let deadline = ContinuousClock.now + .seconds(2)
            var waiting: PaymentSnapshot?
            while waiting == nil, ContinuousClock.now < deadline {
                let read = await server.service.finishedStatusCalls
                let payments = try await server.service.list(PaymentListFilter(limit: 10))
                waiting = payments.first { $0.status == .pending && $0.payer.lowercased() == payer && read.contains($0.paymentID) }
                if waiting == nil { try await Task.sleep(for: .milliseconds(5)) }
            }
            guard var snapshot = waiting else {
                XCTFail("the settle-mode request never enqueued its payment and read its status")
                return
            }
            snapshot.status = .completed
            snapshot.txHash = "0x" + String(repeating: "12", count: 32)
            await server.service.insert(snapshot)
            await server.service.publish(PaymentEvent(paymentID: snapshot.paymentID, status: .completed, txHash: snapshot.txHash, error: nil, at: Date()))
        }
        let settled = try await server.send("POST", path, headers: [quick.name: quick.value], json: ["quantity": 1])
        try await settler.value
        XCTAssertEqual(settled.status, 200, settled.bodyText)
        let body = try StrictJSONParser.parse(settled.body)
        XCTAssertEqual(body["txHash"]?.stringValue, "0x" + String(repeating: "12", count: 32))
        let receipt = try SettlementResponse(header: try XCTUnwrap(settled.headers["payment-response"]), name: "PAYMENT-RESPONSE")
        XCTAssertTrue(receipt.success)
        XCTAssertEqual(receipt.transaction, "0x" + String(repeating: "12", count: 32))

        // A payment that failed for good: the buyer is asked to pay again.
        let doomed = try await server.payment(version: 1)
        let first = try await server.send("POST", path, headers: [doomed.name: doomed.value], json: ["quantity": 1])
        let id = try XCTUnwrap(try StrictJSONParser.parse(first.body)["paymentQueueId"]?.stringValue)
        var snapshot = try await server.service.status(paymentID: id)
        snapshot.status = .confirmationFailed
        snapshot.error = "reverted"
        await server.service.insert(snapshot)
        let failed = try await server.send("POST", path, headers: [doomed.name: doomed.value], json: ["quantity": 1])
        XCTAssertEqual(failed.status, 402)
        XCTAssertEqual(try StrictJSONParser.parse(failed.body)["error"], "invalid_exact_evm_transaction_failed")
        await server.stop()
    }

    func testTheBatchMintRouteBuysTheOnlyTokenSold() async throws {
        let server = try await InMemoryMintServer.start()
        let challenge = try await server.challenge("/api/x402-batch-mint", quantity: 2)
        XCTAssertEqual(challenge.accepts.first?.amount, "2000")
        let payment = try await server.payment(version: 2, quantity: 2, path: "/api/x402-batch-mint")
        let answer = try await server.send("POST", "/api/x402-batch-mint", headers: [payment.name: payment.value], json: ["quantity": 2])
        XCTAssertEqual(answer.status, 202, answer.bodyText)
        let token = await server.service.enqueued.last?.token?.lowercased()
        XCTAssertEqual(token, InMemoryMintServer.token)
        await server.stop()
    }
}

func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
