import JSON
import LineProtocolClient
import LineProtocolCodec
import PaymentModel
import X402

/// Hands an x402 payment to paymentd's `enqueue` under the idempotency key
/// `x402:<payer>:<nonce>`, so that a buyer's retry, a repeated facilitator `/settle` and the
/// same payment arriving at a resource route all name one payment; and sorts the daemon's
/// answer into a `Submission`.
public struct PaymentSubmitter: Sendable {
    let client: PaymentdClient

    public init(client: PaymentdClient) {
        self.client = client
    }

    /// Enqueues `purchase`, paid by `payment`, minting to `recipient`; `signFirst`: signed ahead of
    /// the queue, because the caller answers with the transaction hash.
    public func submit(_ payment: PaymentPayload, purchase: Purchase, recipient: String, signFirst: Bool = false,
                       purchaseKey: String? = nil) async -> Submission {
        var metadata: [String: JSONValue] = ["quantity": .int(Int64(purchase.quantity)), "recipient": .string(recipient),
                                             "x402Version": .int(Int64(payment.x402Version)), "network": .string(payment.network)]
        if let purchaseKey { metadata["purchaseKey"] = .string(purchaseKey) }
        let request = PaymentRequest(
            type: purchase.price.type, token: purchase.price.token, paymentToken: purchase.price.paymentToken,
            amount: purchase.amountText, authorization: payment.authorization,
            metadata: .object(metadata),
            idempotencyKey: payment.idempotencyKey(asset: purchase.price.paymentToken), signFirst: signFirst)
        do throws(PaymentdClientError) {
            return .accepted(try await client.enqueue(request))
        } catch {
            return Self.classify(error)
        }
    }

    /// The outcome a client error stands for.
    public static func classify(_ error: PaymentdClientError) -> Submission {
        switch error {
        case .remote(let wire):
            switch wire.code {
            case "too_many_pending":
                return .tooManyPending(count: wire.pendingCount, message: wire.message)
            case "duplicate_authorization", "idempotency_key_conflict":
                return .conflict(message: wire.message)
            case "sold_out":
                return .soldOut(message: wire.message)
            case "quantity_out_of_range":
                return .invalidRequest(reason: X402ErrorReason.quantityOutOfRange.rawValue, message: wire.message)
            case "invalid_request":
                return .invalidRequest(reason: X402ErrorReason.invalidPayload.rawValue,
                                       message: wire.field.map { "\($0): \(wire.message)" } ?? wire.message)
            default:
                if let reason = X402ErrorReason(daemonCode: wire.code) { return .refused(X402Rejection(reason, wire.message)) }
                // database_unavailable, rpc_unavailable, shutting_down, internal_error, and codes
                // this version does not know: a temporary server-side failure (PROTOCOL.md 11).
                return .unavailable(message: "paymentd could not take the payment (\(wire.code)): \(wire.message)",
                                    mayHaveRun: wire.code == "internal_error")
            }
        case .connectionFailed:
            return .unavailable(message: "paymentd is not reachable; retry shortly.", mayHaveRun: false)
        case .connectionClosed, .timedOut, .malformedResponse, .responseTooLong:
            return .unavailable(message: "paymentd's answer was lost (\(error.code)); send the same payment again to learn its outcome.",
                                mayHaveRun: true)
        }
    }
}
