extension UInt256 {
    // MARK: Decimal (amounts and times in the protocol and the database)

    /// Parses decimal digits only: no sign, no spaces, no separators, not empty, at most 2^256 - 1.
    /// Leading zeros are accepted.
    public init?(decimal text: String) {
        guard let value = try? UInt256(parsingDecimal: text) else { return nil }
        self = value
    }

    /// Like `init?(decimal:)`, but says why the text was refused (`invalid_number` or `uint256_overflow`).
    public init(parsingDecimal text: String) throws(EthereumError) {
        guard !text.isEmpty else { throw .invalidNumber("empty string") }
        var value = UInt256.zero
        for character in text.utf8 {
            guard character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") else {
                throw .invalidNumber("\"\(text.prefix(80))\" contains a character that is not a decimal digit")
            }
            let (times10, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = times10.addingReportingOverflow(UInt256(UInt64(character - UInt8(ascii: "0"))))
            guard !overflowA, !overflowB else { throw .uint256Overflow("\(text.prefix(100)) exceeds 2^256 - 1") }
            value = next
        }
        self = value
    }

    /// The decimal digits ("0" for zero).
    public var decimalString: String {
        if let small = uint64Value { return String(small) }
        // Peel off 19 decimal digits at a time (10^19 is the largest power of ten below 2^64).
        let chunkDivisor: UInt64 = 10_000_000_000_000_000_000
        var chunks: [UInt64] = []
        var rest = self
        while !rest.isZero {
            let (quotient, remainder) = rest.quotientAndRemainder(dividingBy: chunkDivisor)
            chunks.append(remainder)
            rest = quotient
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    // MARK: Hex (JSON-RPC quantities and data words)

    /// Parses hex digits with or without `0x`; not empty; leading zeros accepted as long as the
    /// value fits in 256 bits.
    public init?(hexString text: String) {
        guard let value = try? UInt256(parsingHex: text) else { return nil }
        self = value
    }

    /// Like `init?(hexString:)`, but says why the text was refused.
    public init(parsingHex text: String) throws(EthereumError) {
        var digits = Substring(text).utf8[...]
        if digits.starts(with: "0x".utf8) || digits.starts(with: "0X".utf8) { digits = digits.dropFirst(2) }
        guard !digits.isEmpty else { throw .invalidNumber("\"\(text)\" has no hex digits") }
        var value = UInt256.zero
        for character in digits {
            guard let nibble = Hex.nibble(character) else {
                throw .invalidNumber("\"\(text.prefix(80))\" contains a character that is not a hex digit")
            }
            guard value.w3 >> 60 == 0 else { throw .uint256Overflow("\(text.prefix(100)) exceeds 2^256 - 1") }
            value = UInt256(w0: value.w0 << 4 | UInt64(nibble), w1: value.w1 << 4 | value.w0 >> 60,
                            w2: value.w2 << 4 | value.w1 >> 60, w3: value.w3 << 4 | value.w2 >> 60)
        }
        self = value
    }

    /// `0x` and the minimal lowercase hex digits, `0x0` for zero: a JSON-RPC quantity.
    public var hexString: String {
        let minimal = minimalBigEndianBytes
        guard let first = minimal.first else { return "0x0" }
        let rest = Hex.encode(minimal.dropFirst(), prefix: false)
        return "0x" + String(first, radix: 16) + rest
    }

    // MARK: Big-endian bytes (ABI words, RLP integers)

    /// The value of up to 32 big-endian bytes; longer input is accepted only when the extra
    /// leading bytes are zero.
    public init(bigEndian bytes: [UInt8]) throws(EthereumError) {
        let significant = bytes.drop { $0 == 0 }
        guard significant.count <= 32 else {
            throw .uint256Overflow("a \(significant.count)-byte big-endian number exceeds 32 bytes")
        }
        var value = UInt256.zero
        for (position, byte) in significant.reversed().enumerated() {
            value[limb: position / 8] |= UInt64(byte) << UInt64(8 * (position % 8))
        }
        self = value
    }

    /// Exactly 32 bytes, big-endian (an ABI word).
    public var bigEndianBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for index in stride(from: 3, through: 0, by: -1) {
            let limb = self[limb: index]
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift)))
            }
        }
        return bytes
    }

    /// Big-endian without leading zero bytes; empty for zero (RLP's integer encoding).
    public var minimalBigEndianBytes: [UInt8] {
        Array(bigEndianBytes.drop { $0 == 0 })
    }
}

extension UInt256: Codable {
    /// Decodes a JSON string, decimal or `0x`-prefixed hex. JSON numbers are refused: they lose
    /// precision above 2^53 in many JSON implementations.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = text.hasPrefix("0x") || text.hasPrefix("0X") ? try UInt256(parsingHex: text) : try UInt256(parsingDecimal: text)
    }

    /// Encodes as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
