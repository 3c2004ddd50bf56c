/// Hexadecimal text as Ethereum writes it: `0x` followed by two digits per byte.
///
/// Every value that crosses the JSON boundary (addresses, hashes, signatures, raw transactions)
/// goes through here, so decoding is strict (an odd digit count or a stray character is an
/// error, never silently truncated) and encoding is canonical (lowercase, `0x`-prefixed).
public enum Hex {
    /// Decodes hex digits, with or without a `0x`/`0X` prefix. Upper- and lowercase digits are
    /// both accepted. The empty string and a bare `0x` decode to no bytes.
    public static func decode(_ text: String) throws(EthereumError) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
           let x = utf8.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count % 2 == 0 else {
            throw .malformedHex("odd number of hex digits (\(utf8.count))")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8 = 0
        var position = 0
        for character in utf8 {
            guard let nibble = nibble(character) else {
                throw .malformedHex("character \(describe(character)) at digit \(position) is not a hex digit")
            }
            if position % 2 == 0 {
                high = nibble
            } else {
                bytes.append(high << 4 | nibble)
            }
            position += 1
        }
        return bytes
    }

    /// Decodes hex that must be exactly `count` bytes long; `what` names the value in the error.
    public static func decode(_ text: String, count: Int, what: String) throws(EthereumError) -> [UInt8] {
        let bytes = try decode(text)
        guard bytes.count == count else { throw .invalidLength(what: what, expected: count, actual: bytes.count) }
        return bytes
    }

    /// `0x` followed by two lowercase digits per byte (`0x` alone for no bytes).
    public static func encode(_ bytes: [UInt8]) -> String {
        encode(bytes, prefix: true)
    }

    /// Lowercase digits, with or without the `0x` prefix.
    public static func encode(_ bytes: some Collection<UInt8>, prefix: Bool) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        let start = prefix ? 2 : 0
        return String(unsafeUninitializedCapacity: start + bytes.count * 2) { buffer in
            if prefix {
                buffer[0] = UInt8(ascii: "0")
                buffer[1] = UInt8(ascii: "x")
            }
            var index = start
            for byte in bytes {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7e).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(encode([byte], prefix: false))"
    }
}
