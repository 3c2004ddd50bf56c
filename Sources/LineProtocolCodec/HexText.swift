/// The form check of the hex values the protocol's arguments carry (addresses, nonces,
/// transaction hashes): `0x` and exactly `digits` ASCII hex digits. Whether the value means
/// anything (a sold product, a mined transaction) is the engine's to say.
public enum HexText {
    public static func isPrefixed(_ text: String, digits: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == digits + 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "x") else { return false }
        return bytes.dropFirst(2).allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
