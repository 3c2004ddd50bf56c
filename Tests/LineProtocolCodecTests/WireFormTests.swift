import Foundation
import JSON
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import XCTest

final class WireFormTests: XCTestCase {
    func testPaymentSnapshotHasEveryDocumentedKeyAndRoundTrips() throws {
        let snapshot = ProtocolSample.snapshot()
        let wire = snapshot.wireValue
        let keys = Set(wire.objectValue?.keys.map { $0 } ?? [])
        XCTAssertTrue(["payment_id", "status", "tx_hash", "error", "created_at", "processed_at", "mints", "type", "payer", "amount",
                       "payment_token", "token", "signer", "nonce", "attempts", "metadata"].allSatisfy(keys.contains))
        XCTAssertEqual(wire["created_at"], "2025-01-01T00:00:00.250Z")
        XCTAssertEqual(wire["error"], .null)
        XCTAssertEqual(wire["mints"]?.arrayValue?.first?.objectValue.map { Set($0.keys) },
                       ["index", "recipient", "status", "dedupe_hash", "tx_hash", "error"])
        XCTAssertEqual(try PaymentSnapshot(wire: wire), snapshot)
    }

    func testStatsCarryCountsAndTheReplacedSystemsFlatShape() throws {
        var counts: [PaymentStatus: Int] = [:]
        for (index, status) in PaymentStatus.allCases.enumerated() { counts[status] = index + 1 }
        let stats = PaymentStats(counts: counts, queueDepth: 1, oldestPendingAgeSeconds: 2.5, oldestSentAgeSeconds: nil,
                                 confirmationRate: 0.98, averageProcessingSeconds: 3.25,
                                 mintCounts: [.pending: 1, .processing: 0, .completed: 3, .failed: 0],
                                 signers: [SignerState(address: "0xaa", role: .mint, nextNonce: 3, minedNonce: nil, inFlight: 0, pausedReason: "no gas"),
                                           SignerState(address: "0xbb", role: .payment, nextNonce: 12, minedNonce: 10, inFlight: 2, pausedReason: nil,
                                                       balanceWei: "2500000000000000000", transactionCostWei: "75000000000000")],
                                 rpcEndpoints: [RPCEndpointState(url: "http://a:1", inUse: false, health: .backingOff, consecutiveFailures: 3,
                                                                 retryInSeconds: 4, lastError: "refused"),
                                                RPCEndpointState(url: "http://b:2", inUse: true, health: .healthy, consecutiveFailures: 0,
                                                                 retryInSeconds: nil, lastError: nil)])
        let wire = stats.wireValue
        for status in PaymentStatus.allCases {
            XCTAssertEqual(wire["counts"]?[status.rawValue], .int(Int64(counts[status] ?? -1)))
            XCTAssertEqual(wire[status.rawValue], .int(Int64(counts[status] ?? -1)), "flat \(status)")
        }
        XCTAssertEqual(wire["nonceState"], ["currentNonce": 12, "lastUsedNonce": 11])
        XCTAssertEqual(wire["oldest_sent_age_seconds"], .null)
        XCTAssertEqual(wire["signers"]?.arrayValue?.first?["paused_reason"], "no gas")
        XCTAssertEqual(wire["signers"]?.arrayValue?.first?["balance_wei"], .null, "a balance not read is null")
        XCTAssertEqual(wire["signers"]?.arrayValue?.last?["balance_wei"], "2500000000000000000")
        XCTAssertEqual(wire["signers"]?.arrayValue?.last?["transaction_cost_wei"], "75000000000000")
        XCTAssertEqual(wire["rpc_endpoint"], "http://b:2", "the endpoint in use")
        XCTAssertEqual(wire["rpc_endpoints"]?.arrayValue?.first?["health"], "backing_off")
        XCTAssertEqual(try PaymentStats(wire: wire), stats)
    }

    func testASignerWithoutBalanceKeysReadsAsNotReported() throws {
        let older: JSONValue = ["counts": [:], "signers": [["address": "0xbb", "role": "payment", "next_nonce": 1, "mined_nonce": 1,
                                                             "in_flight": 0, "paused_reason": nil]]]
        let signer = try XCTUnwrap(try PaymentStats(wire: older).signers.first)
        XCTAssertNil(signer.balanceWei)
        XCTAssertNil(signer.transactionCostWei)
    }

    func testStatsWithoutAPaymentSignerHaveNullNonceState() {
        let stats = PaymentStats(counts: [:], queueDepth: 0, oldestPendingAgeSeconds: nil, oldestSentAgeSeconds: nil,
                                 confirmationRate: nil, averageProcessingSeconds: nil, mintCounts: [:], signers: [])
        XCTAssertEqual(stats.wireValue["nonceState"], ["currentNonce": nil, "lastUsedNonce": nil])
        XCTAssertEqual(stats.wireValue["counts"]?["confirmation_failed"], 0)
    }

    func testEventLinesRoundTripAndAreToldApartFromResponses() throws {
        let event = PaymentEvent(paymentID: "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: .completed,
                                 txHash: "0x" + String(repeating: "ab", count: 32), error: nil, at: Date(timeIntervalSince1970: 1_735_689_600.125))
        let line = EventLine(id: "w1", event: event)
        let parsed = try StrictJSONParser.parse(Array(line.line.dropLast()))
        XCTAssertEqual(parsed["event"], "payment")
        XCTAssertEqual(parsed["at"], "2025-01-01T00:00:00.125Z")
        XCTAssertEqual(try ServerLine(wire: parsed), .event(line))
        let response = ProtocolResponse.success(id: "w1", result: ["watching": true])
        XCTAssertEqual(try ServerLine(wire: response.wireValue), .response(response))
    }

    func testResponsesRoundTripWithErrorField() throws {
        let failure = ProtocolResponse.failure(id: 3, error: WireError(ProtocolError.invalidArguments(field: "payment.amount", reason: "bad")))
        XCTAssertEqual(failure.wireValue["error"]?["field"], "payment.amount")
        XCTAssertEqual(failure.wireValue["ok"], false)
        XCTAssertEqual(try ProtocolResponse(wire: failure.wireValue), failure)
        let engine = WireError(PaymentError.notFound(paymentID: "x"))
        XCTAssertEqual(engine.code, "not_found")
        XCTAssertNil(engine.field)
        XCTAssertEqual(WireError(PaymentError.invalidRequest(field: "authorization.nonce", reason: "short")).field, "authorization.nonce")
        XCTAssertEqual(WireError(PaymentError.unavailable(code: "database_unavailable", message: "down")).code, "database_unavailable")
        XCTAssertThrowsError(try ProtocolResponse(wire: ["id": 1, "ok": true]))
        XCTAssertThrowsError(try ProtocolResponse(wire: ["ok": true, "result": [:]]))
        XCTAssertThrowsError(try ProtocolResponse(wire: ["id": 1, "ok": false, "error": ["code": "x"]]))
    }

    func testTooManyPendingCarriesTheCountAndLimitForAFrontEndsTooManyRequestsAnswer() throws {
        let error = WireError(PaymentError.tooManyPending(payer: "0xabc", count: 12, limit: 10))
        XCTAssertEqual(error.wireValue["pending_count"], 12)
        XCTAssertEqual(error.wireValue["pending_limit"], 10)
        let read = try WireError(wire: error.wireValue)
        XCTAssertEqual(read.pendingCount, 12)
        XCTAssertEqual(read.pendingLimit, 10)
        XCTAssertNil(WireError(PaymentError.notFound(paymentID: "x")).wireValue["pending_count"], "only too_many_pending carries a count")
    }

    func testSmallResultsRoundTrip() throws {
        let version = DaemonVersion(daemon: "paymentd 0.1.0")
        XCTAssertEqual(version.wireValue, ["protocol": 1, "daemon": "paymentd 0.1.0"])
        XCTAssertEqual(try DaemonVersion(wire: version.wireValue), version)
        let enqueued = EnqueueResult(paymentID: "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: .pending, duplicate: false)
        XCTAssertEqual(try EnqueueResult(wire: enqueued.wireValue), enqueued)
        let settings = [Setting(key: "payment_batch_size", value: "10", description: "d")]
        XCTAssertEqual(try ListResult.settings(wire: ListResult.settings(settings)), settings)
        XCTAssertEqual(try ListResult.payments(wire: ListResult.payments([ProtocolSample.snapshot()])), [ProtocolSample.snapshot()])
        let prices = [Price(type: .mint, token: ProtocolSample.payer, paymentToken: ProtocolSample.payer, unitPrice: "1000", maxQuantity: 10, source: .database),
                      Price(type: .deploy, token: nil, paymentToken: ProtocolSample.payer, unitPrice: "5", maxQuantity: 1, source: .configuration)]
        XCTAssertEqual(try ListResult.prices(wire: ListResult.prices(prices)), prices)
    }

    func testEveryErrorCodeIsSnakeCaseAndListed() {
        let protocolErrors: [ProtocolError] = [
            .malformedJSON(""), .invalidRequest(""), .unknownCommand(""), .invalidArguments(field: "", reason: ""),
            .lineTooLong(limit: 1), .permissionDenied(command: "", uid: nil), .shuttingDown, .tooManyConnections(limit: 1),
            .internalError(""),
        ]
        XCTAssertEqual(protocolErrors.map(\.code), ProtocolErrorCodes.protocolLevel)
        let engineErrors: [PaymentError] = [
            .invalidRequest(field: "", reason: ""), .invalidSignature(""), .highSSignature, .signerMismatch(recovered: "", from: ""),
            .recipientMismatch(to: "", expected: ""), .valueMismatch(value: "", amount: ""), .authorizationNotYetValid(validAfter: ""),
            .authorizationExpiring(validBefore: "", minimumSeconds: 0), .tokenNotAllowed(""), .authorizationAlreadyUsed(payer: "", nonce: ""),
            .duplicateAuthorization(existingPaymentID: ""), .idempotencyKeyConflict(existingPaymentID: ""),
            .tooManyPending(payer: "", count: 0, limit: 0),
            .priceMismatch(amount: "", expectedAmount: "", paymentToken: "", unitPrice: "", quantity: 0),
            .quantityOutOfRange(quantity: 0, maximum: 0, product: ""), .soldOut(product: "", quantity: 0, remaining: 0), .paymentTypeNotAllowed(.deploy), .notFound(paymentID: ""),
            .invalidTransition(paymentID: "", status: .pending, action: ""),
            .authorizationStillUsable(paymentID: "", validBefore: 0), .alreadyPaid(paymentID: "", txHash: ""),
            .refundNotDue(paymentID: "", why: ""), .refundUnproven(txHash: "", why: ""), .unknownSetting(""),
            .invalidSettingValue(key: "", value: "", reason: ""), .shuttingDown,
        ]
        XCTAssertEqual(engineErrors.map(\.code), ProtocolErrorCodes.engine)
        for code in ProtocolErrorCodes.protocolLevel + ProtocolErrorCodes.engine {
            XCTAssertTrue(code.allSatisfy { $0.isLowercase || $0 == "_" }, code)
        }
    }
}
