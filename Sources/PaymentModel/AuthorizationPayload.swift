import JSON

/// An EIP-3009 authorization exactly as buyers send it and as the replaced system stores it in
/// `payment_queue."authorization"`: every number a decimal string, `nonce` a 0x bytes32, and the
/// signature either as one 65-byte `signature` or as `v`, `r`, `s`.
///
/// It is kept as text so that what we store is what we were given; `Ethereum` parses it when
/// the payment is validated and again when it is relayed.
public struct AuthorizationPayload: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    public var value: String
    public var validAfter: String
    public var validBefore: String
    public var nonce: String
    public var signature: String?
    /// `v` as sent: a number or a decimal/hex string (0, 1, 27 or 28).
    public var v: String?
    public var r: String?
    public var s: String?

    public init(from: String, to: String, value: String, validAfter: String, validBefore: String, nonce: String,
                signature: String? = nil, v: String? = nil, r: String? = nil, s: String? = nil) {
        self.from = from
        self.to = to
        self.value = value
        self.validAfter = validAfter
        self.validBefore = validBefore
        self.nonce = nonce
        self.signature = signature
        self.v = v
        self.r = r
        self.s = s
    }

    private enum CodingKeys: String, CodingKey {
        case from, to, value, validAfter, validBefore, nonce, signature, v, r, s
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(String.self, forKey: .from)
        to = try c.decode(String.self, forKey: .to)
        value = try Self.decodeNumberText(c, .value)
        validAfter = try Self.decodeNumberText(c, .validAfter)
        validBefore = try Self.decodeNumberText(c, .validBefore)
        nonce = try c.decode(String.self, forKey: .nonce)
        signature = try c.decodeIfPresent(String.self, forKey: .signature)
        v = try c.contains(.v) ? Self.decodeNumberText(c, .v) : nil
        r = try c.decodeIfPresent(String.self, forKey: .r)
        s = try c.decodeIfPresent(String.self, forKey: .s)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(value, forKey: .value)
        try c.encode(validAfter, forKey: .validAfter)
        try c.encode(validBefore, forKey: .validBefore)
        try c.encode(nonce, forKey: .nonce)
        try c.encodeIfPresent(signature, forKey: .signature)
        try c.encodeIfPresent(v, forKey: .v)
        try c.encodeIfPresent(r, forKey: .r)
        try c.encodeIfPresent(s, forKey: .s)
    }

    /// Numbers arrive as strings per x402, but some clients send JSON integers; both are kept
    /// as their decimal text.
    private static func decodeNumberText(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String {
        if let text = try? c.decode(String.self, forKey: key) { return text }
        if let number = try? c.decode(UInt64.self, forKey: key) { return String(number) }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: c.codingPath + [key],
            debugDescription: "\(key.stringValue) must be a decimal string or a non-negative integer"))
    }
}
