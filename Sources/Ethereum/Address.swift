/// A 20-byte Ethereum account or contract address.
///
/// Parsing enforces EIP-55: an all-lowercase or all-uppercase address is taken as typed, but a
/// mixed-case one must carry its exact checksum, so a mistyped payee is refused instead of paid.
/// Printing and JSON always use the checksummed form.
public struct Address: Sendable, Hashable {
    /// Exactly 20 bytes.
    public let bytes: [UInt8]

    public static let zero = Address(validated: [UInt8](repeating: 0, count: 20))

    private init(validated bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(bytes: [UInt8]) throws(EthereumError) {
        guard bytes.count == 20 else { throw .invalidLength(what: "address", expected: 20, actual: bytes.count) }
        self.init(validated: bytes)
    }

    /// Parses 40 hex digits, `0x`-prefixed or not. Mixed case must be the EIP-55 checksum.
    public init(hex text: String) throws(EthereumError) {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.utf8.count == 40 else {
            throw .invalidAddress("\"\(text.prefix(100))\" has \(digits.utf8.count) hex digits, not 40")
        }
        guard let bytes = try? Hex.decode(String(digits)) else {
            throw .invalidAddress("\"\(text.prefix(100))\" contains a character that is not a hex digit")
        }
        self.init(validated: bytes)
        let hasLower = digits.utf8.contains { (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        let hasUpper = digits.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }
        if hasLower && hasUpper && Substring(checksummed.dropFirst(2)) != digits {
            throw .invalidAddressChecksum(text)
        }
    }

    /// The address of a 64-byte uncompressed secp256k1 public key (x ‖ y, no 0x04 prefix): the
    /// last 20 bytes of its Keccak-256.
    public init(publicKey: [UInt8]) throws(EthereumError) {
        guard publicKey.count == 64 else { throw .invalidLength(what: "public key", expected: 64, actual: publicKey.count) }
        self.init(validated: Array(Keccak256.hash(publicKey).suffix(20)))
    }

    /// EIP-55: a hex letter is uppercase where the matching nibble of keccak(lowercase hex) is ≥ 8.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower)
        var characters = [UInt8]("0x".utf8)
        characters.reserveCapacity(42)
        for (index, character) in lower.enumerated() {
            let hashNibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0f
            let isLetter = character >= UInt8(ascii: "a")
            characters.append(isLetter && hashNibble >= 8 ? character - 32 : character)
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// `0x` and 40 lowercase hex digits.
    public var lowercaseHex: String { Hex.encode(bytes) }
}

extension Address: CustomStringConvertible {
    public var description: String { checksummed }
}

extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(hex: decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}
