import JSON
import PaymentModel

extension PaymentRequest {
    /// Reads enqueue's `payment` object (DESIGN.md section 5): `type`, `token`,
    /// `payment_token`, `amount` (a decimal string), `authorization`, `metadata` (an object,
    /// stored as given).
    init(wirePayment payment: JSONObjectReader, idempotencyKey: String?) throws(JSONShapeError) {
        let metadata = payment.value("metadata") ?? .object([:])
        guard case .object = metadata else { throw payment.error("metadata", "must be an object") }
        self.init(
            type: try payment.enumeration("type", PaymentType.self),
            token: try payment.optionalString("token"),
            paymentToken: try payment.string("payment_token"),
            amount: try payment.strictDecimalString("amount"),
            authorization: try AuthorizationPayload(wire: payment.object("authorization")),
            metadata: metadata,
            idempotencyKey: idempotencyKey)
    }

    /// The `payment` object of an enqueue request (the idempotency key travels beside it).
    public var wirePayment: JSONValue {
        var fields: [String: JSONValue] = [
            "type": .string(type.rawValue),
            "payment_token": .string(paymentToken),
            "amount": .string(amount),
            "authorization": authorization.wireValue,
            "metadata": metadata,
        ]
        if let token { fields["token"] = .string(token) }
        return .object(fields)
    }
}
