import Ethereum
import JSON
import PaymentModel
import PaymentStore
import XCTest

/// The queueing rules applied to a batch, without a database: each payment is judged against
/// the table and against what the batch admitted before it.
final class EnqueueAdmissionTests: XCTestCase {
    private static let usdc = try! Address(hex: "0x7E7e80Cd84Fb43f5FD2E92F1edD827c307e0AE6F")
    private static let token = try! Address(hex: "0x5d1e6247C95aFbF428767D4456dAF8eD0eD76084")
    private static let alice = try! Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9")
    private static let bob = try! Address(hex: "0x00000000000000000000000000000000000b0b00")

    static func payment(_ payer: Address, nonce: UInt8, key: String? = nil) -> NewPayment {
        let authNonce = Bytes32.repeating(nonce)
        let transfer = TransferWithAuthorization(from: payer, to: token, value: 1_000, validAfter: 0, validBefore: 1_900_000_000, nonce: authNonce)
        let auth = AuthorizationPayload(from: payer.checksummed, to: token.checksummed, value: "1000", validAfter: "0",
                                        validBefore: "1900000000", nonce: authNonce.hex, signature: "0x" + String(repeating: "ab", count: 65))
        return NewPayment(type: .mint, token: token, transfer: transfer, authorization: auth, amount: 1_000, paymentToken: usdc,
                          metadata: ["quantity": 1], idempotencyKey: key)
    }

    private static func row(_ id: String, _ payer: Address) -> PaymentRow {
        PaymentRow(id: id, status: .pending, token: token, payer: payer, amount: 1_000, paymentToken: usdc)
    }

    func testKnownKeysAndAuthorizationsAnswerWithTheirRows() {
        let keyed = Self.row("11111111-0000-0000-0000-000000000001", Self.alice)
        let spent = Self.row("11111111-0000-0000-0000-000000000002", Self.alice)
        let batch = [Self.payment(Self.alice, nonce: 1, key: "k1"), Self.payment(Self.alice, nonce: 2, key: "k2"), Self.payment(Self.alice, nonce: 3)]
        let verdicts = EnqueueAdmission.decide(batch, byKey: ["k1": keyed],
                                               byAuthorization: [EnqueueAdmission.AuthorizationKey(batch[1]): spent],
                                               unsettled: [:], limit: 10)
        XCTAssertEqual(verdicts, [.existingKey(keyed), .duplicateAuthorization(spent), .insert])
    }

    func testTheBatchKnowsWhatItAdmittedEarlier() {
        let batch = [
            Self.payment(Self.alice, nonce: 1, key: "k1"),
            Self.payment(Self.alice, nonce: 1, key: "k1"),   // the same request again
            Self.payment(Self.alice, nonce: 1, key: "k2"),   // the same authorization under another key
            Self.payment(Self.alice, nonce: 1),              // and under none
            Self.payment(Self.alice, nonce: 2, key: "k1"),   // the key again, another authorization
        ]
        XCTAssertEqual(EnqueueAdmission.decide(batch, byKey: [:], byAuthorization: [:], unsettled: [:], limit: 10),
                       [.insert, .keyOfEarlier(0), .authorizationOfEarlier(0), .authorizationOfEarlier(0), .keyOfEarlier(0)])
    }

    func testThePerPayerLimitCountsTheTableAndTheBatchButNotRefusalsOrDuplicates() {
        let batch = [
            Self.payment(Self.alice, nonce: 1),   // alice: 1 in the table + this one
            Self.payment(Self.alice, nonce: 1),   // a duplicate takes no slot
            Self.payment(Self.bob, nonce: 1),     // bob: 2 in the table + this one
            Self.payment(Self.alice, nonce: 2),   // alice's third
            Self.payment(Self.alice, nonce: 3),   // over the limit of 3
            Self.payment(Self.bob, nonce: 2),     // over too
            Self.payment(Self.alice, nonce: 3),   // the refused authorization again: refused again, not a duplicate
        ]
        let verdicts = EnqueueAdmission.decide(batch, byKey: [:], byAuthorization: [:],
                                               unsettled: [Self.alice.lowercaseHex: 1, Self.bob.lowercaseHex: 2], limit: 3)
        XCTAssertEqual(verdicts, [.insert, .authorizationOfEarlier(0), .insert, .insert, .tooManyPending(count: 3),
                                  .tooManyPending(count: 3), .tooManyPending(count: 3)])
    }
}
