/// The 32-byte ABI encodings of the static types paymentd sends: every argument of the
/// calls it makes and every field of the typed data it hashes is one of these.
public enum ABIWord {
    /// Twelve zero bytes, then the 20 address bytes.
    public static func address(_ value: Address) -> [UInt8] {
        [UInt8](repeating: 0, count: 12) + value.bytes
    }

    /// Big-endian.
    public static func uint256(_ value: UInt256) -> [UInt8] {
        value.bigEndianBytes
    }

    /// The 32 bytes unchanged.
    public static func bytes32(_ value: Bytes32) -> [UInt8] {
        value.bytes
    }

    /// Left-padded with zeros.
    public static func uint8(_ value: UInt8) -> [UInt8] {
        [UInt8](repeating: 0, count: 31) + [value]
    }

    /// 0 or 1, left-padded.
    public static func bool(_ value: Bool) -> [UInt8] {
        uint8(value ? 1 : 0)
    }
}
