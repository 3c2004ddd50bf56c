/// A 32-byte value: a hash, an EIP-3009 nonce, a mint dedupe key, an ABI `bytes32`.
///
/// A distinct type so that a transaction hash is never confused with an arbitrary byte array
/// and always has exactly 32 bytes; it prints and encodes as `0x` plus 64 lowercase digits.
public struct Bytes32: Sendable, Hashable {
    /// Exactly 32 bytes.
    public let bytes: [UInt8]

    public static let zero = Bytes32(validated: [UInt8](repeating: 0, count: 32))

    /// For bytes that are 32 long by construction (digests, words).
    init(validated bytes: [UInt8]) {
        precondition(bytes.count == 32, "Bytes32 needs 32 bytes")
        self.bytes = bytes
    }

    public init(bytes: [UInt8]) throws(EthereumError) {
        guard bytes.count == 32 else { throw .invalidLength(what: "32-byte value", expected: 32, actual: bytes.count) }
        self.init(validated: bytes)
    }

    /// Parses exactly 64 hex digits, `0x`-prefixed or not.
    public init(hex text: String) throws(EthereumError) {
        try self.init(bytes: Hex.decode(text, count: 32, what: "32-byte value"))
    }

    /// The 32-byte big-endian form of `value`.
    public init(_ value: UInt256) {
        self.init(validated: value.bigEndianBytes)
    }

    /// The Keccak-256 digest of `data`.
    public static func keccak256(_ data: [UInt8]) -> Bytes32 {
        Bytes32(validated: Keccak256.hash(data))
    }

    /// The bytes read as a big-endian unsigned integer.
    public var uint256Value: UInt256 {
        // 32 bytes always fit.
        (try? UInt256(bigEndian: bytes)) ?? .zero
    }

    /// `0x` and 64 lowercase hex digits.
    public var hex: String { Hex.encode(bytes) }
}

extension Bytes32: CustomStringConvertible {
    public var description: String { hex }
}

extension Bytes32: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(hex: decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
