import Ethereum

/// Strict parsing of the JSON-RPC hex encodings: quantities (`0x` + hex digits) and data
/// (`0x` + two digits per byte).
///
/// Strict means: the `0x` prefix is required, at least one digit for a quantity, only hex
/// digits, and the value must fit the target type. Leading zeros are tolerated (some nodes send
/// them); a sign, a space or a missing prefix is not.
enum RPCQuantity {
    static func uint64(_ text: String) -> UInt64? {
        guard let digits = digits(text) else { return nil }
        var value: UInt64 = 0
        for character in digits {
            guard let nibble = Self.nibble(character), value >> 60 == 0 else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func uint256(_ text: String) -> UInt256? {
        guard digits(text) != nil else { return nil }
        return try? UInt256(parsingHex: text)
    }

    /// Even-length `0x` data; `0x` alone is no bytes.
    static func data(_ text: String) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count >= 2, utf8.starts(with: "0x".utf8) else { return nil }
        return try? Hex.decode(text)
    }

    /// The digits after a required `0x`, if there is at least one.
    private static func digits(_ text: String) -> Substring.UTF8View? {
        let utf8 = Substring(text).utf8
        guard utf8.count > 2, utf8.starts(with: "0x".utf8) else { return nil }
        return utf8.dropFirst(2)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
