import JSON

/// x402's `VerifyResponse`, the body of the facilitator's `/verify`.
public struct VerifyResponse: Sendable, Hashable {
    public var isValid: Bool
    public var invalidReason: String?
    /// A sentence saying why, for people reading logs (not in the x402 schema; clients ignore it).
    public var invalidMessage: String?
    public var payer: String?

    public init(isValid: Bool, invalidReason: String? = nil, invalidMessage: String? = nil, payer: String?) {
        self.isValid = isValid
        self.invalidReason = invalidReason
        self.invalidMessage = invalidMessage
        self.payer = payer
    }

    public var wire: JSONValue {
        var fields: [String: JSONValue] = ["isValid": .bool(isValid)]
        if let invalidReason { fields["invalidReason"] = .string(invalidReason) }
        if let invalidMessage { fields["invalidMessage"] = .string(invalidMessage) }
        if let payer { fields["payer"] = .string(payer) }
        return .object(fields)
    }
}
