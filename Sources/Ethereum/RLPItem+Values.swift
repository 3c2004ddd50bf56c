/// Building RLP items from Ethereum values, and reading them back strictly.
///
/// The readers refuse what a canonical encoder never writes (integers with leading zeros,
/// integers wider than their field), so a decoded transaction re-encodes to the same bytes.
extension RLPItem {
    public static func uint(_ value: UInt256) -> RLPItem { .bytes(value.minimalBigEndianBytes) }
    public static func uint(_ value: UInt64) -> RLPItem { .bytes(RLP.minimalBytes(value)) }

    /// The payload of a byte string; `field` names it in the error.
    public func bytesValue(_ field: String) throws(EthereumError) -> [UInt8] {
        guard case .bytes(let bytes) = self else { throw .invalidRLP("\(field) must be a byte string, not a list") }
        return bytes
    }

    /// The items of a list; `field` names it in the error.
    public func listValue(_ field: String) throws(EthereumError) -> [RLPItem] {
        guard case .list(let items) = self else { throw .invalidRLP("\(field) must be a list, not a byte string") }
        return items
    }

    /// A canonical integer of at most 32 bytes.
    public func uint256Value(_ field: String) throws(EthereumError) -> UInt256 {
        let bytes = try bytesValue(field)
        guard bytes.first != 0 else { throw .invalidRLP("integer \(field) has a leading zero byte") }
        guard bytes.count <= 32 else { throw .invalidRLP("integer \(field) is \(bytes.count) bytes, wider than 256 bits") }
        return try UInt256(bigEndian: bytes)
    }

    /// A canonical integer of at most 8 bytes.
    public func uint64Value(_ field: String) throws(EthereumError) -> UInt64 {
        guard let value = try uint256Value(field).uint64Value else { throw .invalidRLP("integer \(field) is wider than 64 bits") }
        return value
    }
}
