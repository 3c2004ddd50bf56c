import Foundation
import JSON
import LineProtocolCodec
import PaymentModel

/// Requests and payloads the protocol's tests share: one payer, receiver, token and payment
/// token, a well-formed enqueue request, and a payment snapshot with a mint.
public enum ProtocolSample {
    public static let payer = "0x1111111111111111111111111111111111111111"
    public static let receiver = "0x2222222222222222222222222222222222222222"
    public static let usdc = "0x3333333333333333333333333333333333333333"
    public static let token = "0x4444444444444444444444444444444444444444"

    public static func authorization(value: String = "1000000", nonce: String = "0x" + String(repeating: "0a", count: 32)) -> AuthorizationPayload {
        AuthorizationPayload(from: payer, to: receiver, value: value, validAfter: "0", validBefore: "4102444800",
                             nonce: nonce, signature: "0x" + String(repeating: "1b", count: 65))
    }

    public static func paymentRequest(amount: String = "1000000", key: String? = nil) -> PaymentRequest {
        PaymentRequest(type: .mint, token: token, paymentToken: usdc, amount: amount,
                       authorization: authorization(value: amount),
                       metadata: ["quantity": 1, "recipient": .string(payer)], idempotencyKey: key)
    }

    public static func enqueueLine(id: JSONValue = 1, amount: String = "1000000", key: String? = nil) -> String {
        String(decoding: ProtocolRequest(id: id, command: .enqueue(paymentRequest(amount: amount, key: key))).line.dropLast(), as: UTF8.self)
    }

    public static func snapshot(id: String = "0b6f1c5e-3f0a-4d7e-9a43-2f1d9c1e7b55", status: PaymentStatus = .sent) -> PaymentSnapshot {
        PaymentSnapshot(
            paymentID: id, type: .mint, status: status, payer: payer, amount: "1000000", paymentToken: usdc, token: token,
            txHash: "0x" + String(repeating: "ee", count: 32), error: nil,
            createdAt: Date(timeIntervalSince1970: 1_735_689_600.25), processedAt: Date(timeIntervalSince1970: 1_735_689_603.5),
            result: nil, metadata: ["quantity": 2, "recipient": .string(payer)],
            signer: "0x" + String(repeating: "55", count: 20), nonce: 42,
            attempts: ["0x" + String(repeating: "ee", count: 32)],
            mints: [MintSnapshot(index: 0, recipient: payer, status: .pending, dedupeHash: "0x" + String(repeating: "dd", count: 32),
                                 txHash: nil, error: nil)])
    }
}
