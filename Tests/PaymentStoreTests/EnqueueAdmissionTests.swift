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

    static func payment(_ payer: Address, nonce: UInt8, key: String? = nil, quantity: Int64 = 1) -> NewPayment {
        let authNonce = Bytes32.repeating(nonce)
        let transfer = TransferWithAuthorization(from: payer, to: token, value: 1_000, validAfter: 0, validBefore: 1_900_000_000, nonce: authNonce)
        let auth = AuthorizationPayload(from: payer.checksummed, to: token.checksummed, value: "1000", validAfter: "0",
                                        validBefore: "1900000000", nonce: authNonce.hex, signature: "0x" + String(repeating: "ab", count: 65))
        return NewPayment(type: .mint, token: token, transfer: transfer, authorization: auth, amount: 1_000, paymentToken: usdc,
                          metadata: ["quantity": .int(quantity)], idempotencyKey: key)
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

    /// Issue 16, scenario 7: a purchase the mint token's remaining supply cannot serve is
    /// refused before it is queued; what the batch admitted earlier counts against the supply,
    /// refusals and duplicates do not.
    func testTheSupplyLeftCountsTheBatchAndRefusesWhatCannotBeServed() {
        let batch = [
            Self.payment(Self.alice, nonce: 1, quantity: 2),  // 3 left: takes 2
            Self.payment(Self.alice, nonce: 1, quantity: 2),  // the same authorization: takes none
            Self.payment(Self.bob, nonce: 1, quantity: 2),    // 1 left: refused
            Self.payment(Self.bob, nonce: 2, quantity: 1),    // takes the last one
            Self.payment(Self.alice, nonce: 3, quantity: 1),  // none left
        ]
        let verdicts = EnqueueAdmission.decide(batch, byKey: [:], byAuthorization: [:], unsettled: [:], limit: 10,
                                               available: [Self.token.lowercaseHex: 3])
        XCTAssertEqual(verdicts, [.insert, .authorizationOfEarlier(0), .soldOut(remaining: 1), .insert, .soldOut(remaining: 0)])
        XCTAssertEqual(EnqueueAdmission.decide([Self.payment(Self.alice, nonce: 1)], byKey: [:], byAuthorization: [:], unsettled: [:], limit: 10,
                                               available: [Self.token.lowercaseHex: -2]), [.soldOut(remaining: 0)],
                       "more reserved than the supply (it fell outside paymentd) refuses every purchase")
        XCTAssertEqual(EnqueueAdmission.decide([Self.payment(Self.alice, nonce: 1, quantity: 50)], byKey: [:], byAuthorization: [:],
                                               unsettled: [:], limit: 10), [.insert], "a token with no known limit")
    }
}
