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

extension AuthorizationPayload {
    /// Reads the EIP-3009 authorization as x402 buyers send it: camelCase keys as stored by the
    /// replaced system, numbers as decimal strings (non-negative JSON integers accepted), and a
    /// signature as `signature` or as `v`, `r`, `s`.
    init(wire authorization: JSONObjectReader) throws(JSONShapeError) {
        let signature = try authorization.optionalString("signature")
        let v: String? = switch authorization.value("v") {
        case nil: nil
        case .string(let text): text
        case .int(let integer) where integer >= 0: String(integer)
        default: throw authorization.error("v", "must be a string or a non-negative integer")
        }
        let r = try authorization.optionalString("r")
        let s = try authorization.optionalString("s")
        guard signature != nil || (v != nil && r != nil && s != nil) else {
            throw authorization.error("signature", "is required (or all of v, r and s)")
        }
        self.init(
            from: try authorization.string("from"),
            to: try authorization.string("to"),
            value: try authorization.decimalText("value"),
            validAfter: try authorization.decimalText("validAfter"),
            validBefore: try authorization.decimalText("validBefore"),
            nonce: try authorization.string("nonce"),
            signature: signature, v: v, r: r, s: s)
    }

    public var wireValue: JSONValue {
        var fields: [String: JSONValue] = [
            "from": .string(from), "to": .string(to), "value": .string(value),
            "validAfter": .string(validAfter), "validBefore": .string(validBefore), "nonce": .string(nonce),
        ]
        if let signature { fields["signature"] = .string(signature) }
        if let v { fields["v"] = .string(v) }
        if let r { fields["r"] = .string(r) }
        if let s { fields["s"] = .string(s) }
        return .object(fields)
    }
}
