/// Checks on the decimal strings x402 uses for amounts and times, before anything parses them
/// into numbers.
enum DecimalText {
    /// 1 to 78 ASCII digits (a uint256 has at most 78).
    static func isUnsigned(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 78 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `0x` and exactly `digits` hex digits.
    static func isHex(_ text: String, digits: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == digits + 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") || bytes[1] == UInt8(ascii: "X") else {
            return false
        }
        return bytes.dropFirst(2).allSatisfy(isHexDigit)
    }

    /// `0x` and an even number (at least 2) of hex digits.
    static func isHexBytes(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4, bytes.count % 2 == 0, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
        return bytes.dropFirst(2).allSatisfy(isHexDigit)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}
