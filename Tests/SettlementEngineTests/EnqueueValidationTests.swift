import Ethereum
import Foundation
import PaymentModel
@testable import SettlementEngine
import XCTest

/// Enqueue refuses every authorization that cannot settle, with a code, and writes nothing.
final class EnqueueValidationTests: XCTestCase {
    private func assertRefused(_ testbed: EngineTestbed, _ request: PaymentRequest, code: String,
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        let refusal = await testbed.refusalCode(request)
        XCTAssertEqual(refusal, code, refusal == nil ? "queued; expected \(code)" : "", file: file, line: line)
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 0,
                       "a refused request must write nothing", file: file, line: line)
    }

    func testRejectsAuthorizationSignedByAnotherKey() async throws {
        let testbed = try await EngineTestbed()
        let request = try testbed.request(buyer: try testbed.buyerKey(0), signWith: try testbed.buyerKey(1))
        try await assertRefused(testbed, request, code: "signer_mismatch")
    }

    func testRejectsPaymentToAnotherReceiver() async throws {
        let testbed = try await EngineTestbed()
        let request = try testbed.request(buyer: try testbed.buyerKey(0), to: try testbed.buyerKey(2).address)
        try await assertRefused(testbed, request, code: "recipient_mismatch")
    }

    func testRejectsValueDifferentFromAmount() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0))
        request.amount = "999999"
        try await assertRefused(testbed, request, code: "value_mismatch")
    }

    func testRejectsExpiredAuthorization() async throws {
        let testbed = try await EngineTestbed()
        let request = try testbed.request(buyer: try testbed.buyerKey(0), validFor: 5)
        try await assertRefused(testbed, request, code: "authorization_expiring")
    }

    func testRejectsHighSSignature() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0), useVRS: true)
        // s' = n - s is the malleable twin of a valid signature.
        let n = UInt256(hexString: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
        let s = try Bytes32(hex: request.authorization.s!).uint256Value
        request.authorization.s = Bytes32(n - s).hex
        request.authorization.v = request.authorization.v == "27" ? "28" : "27"
        try await assertRefused(testbed, request, code: "high_s_signature")
    }

    func testRejectsMalformedNonce() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0))
        request.authorization.nonce = "0x1234"
        try await assertRefused(testbed, request, code: "invalid_request")
    }

    func testRejectsMalformedSignatureHex() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0))
        request.authorization.signature = "0xzz" + String(repeating: "0", count: 128)
        try await assertRefused(testbed, request, code: "invalid_signature")
    }

    func testRejectsUnknownPaymentToken() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0))
        request.paymentToken = testbed.mintToken.checksummed
        try await assertRefused(testbed, request, code: "token_not_allowed")
    }

    func testRejectsAuthorizationAlreadyUsedOnChain() async throws {
        let testbed = try await EngineTestbed()
        let buyer = try testbed.buyerKey(0)
        let request = try testbed.request(buyer: buyer)
        // Used by a transfer that did not pay us (one that did is a paid payment: FrontRunBeforeEnqueueTests).
        try await FrontRunner(testbed: testbed).relay(try testbed.request(buyer: buyer, to: buyer.address,
                                                                          nonce: try Bytes32(hex: request.authorization.nonce)))
        try await assertRefused(testbed, request, code: "authorization_already_used")
    }

    func testAcceptsVRSFormWithZeroOneV() async throws {
        let testbed = try await EngineTestbed()
        var request = try testbed.request(buyer: try testbed.buyerKey(0), useVRS: true)
        request.authorization.v = request.authorization.v == "27" ? "0" : "1"
        let result = try await testbed.engine.enqueue(request)
        XCTAssertEqual(result.status, .pending)
        XCTAssertFalse(result.duplicate)
    }

    func testDuplicateEnqueueIsRejectedAndIdempotencyKeyReturnsSamePayment() async throws {
        let testbed = try await EngineTestbed()
        let request = try testbed.request(buyer: try testbed.buyerKey(0), idempotencyKey: "order-42")
        let first = try await testbed.engine.enqueue(request)
        let again = try await testbed.engine.enqueue(request)
        XCTAssertEqual(again.paymentID, first.paymentID)
        XCTAssertTrue(again.duplicate)
        var otherKey = request
        otherKey.idempotencyKey = "order-43"
        let refusal = await testbed.refusalCode(otherKey)
        XCTAssertEqual(refusal, "duplicate_authorization", "the same authorization must not be queued twice")
        var conflicting = try testbed.request(buyer: try testbed.buyerKey(0))
        conflicting.idempotencyKey = "order-42"
        do {
            _ = try await testbed.engine.enqueue(conflicting)
            XCTFail("a key naming a different authorization is a conflict")
        } catch {
            XCTAssertEqual(error.code, "idempotency_key_conflict")
        }
        XCTAssertEqual(try testbed.count(.pending), 1)
    }
}
