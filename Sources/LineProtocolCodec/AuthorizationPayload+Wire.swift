import JSON
import PaymentModel

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
