import ErrorCoding

/// Everything that can be wrong with Ethereum data handed to this module.
///
/// It exists so that a bad authorization, a malformed stored transaction or an out-of-range
/// amount reaches the engine and the line protocol as one stable `code` with a sentence a person
/// can act on, never as a crash. Each case is one distinct mistake; the codes are part of the
/// protocol and are never renamed.
public enum EthereumError: CodedError, Equatable {
    /// Text that should be hexadecimal is not (odd digit count, a non-hex character).
    case malformedHex(String)
    /// A byte string of a fixed size (a hash, a key, a word) has the wrong size.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// Not a 20-byte address in hex.
    case invalidAddress(String)
    /// A mixed-case address whose capitalisation is not its EIP-55 checksum.
    case invalidAddressChecksum(String)
    /// A signature that is not 65 bytes.
    case invalidSignatureLength(Int)
    /// r or s of a signature is zero or not below the curve order.
    case invalidSignatureScalar(component: String)
    /// s is above n/2: a malleable twin of a valid signature, refused as EIP-2 does.
    case highSSignature
    /// v is not 0, 1, 27 or 28 (for transactions: a y parity other than 0 or 1).
    case invalidSignatureV(String)
    /// No public key can be recovered from this signature over this digest.
    case signatureRecoveryFailed
    /// Bytes that are not canonical RLP, or RLP of the wrong shape.
    case invalidRLP(String)
    /// A private key that is not a valid secp256k1 scalar.
    case invalidPrivateKey
    /// A number that does not fit in 256 (or, where noted, 64) bits, or arithmetic that overflowed.
    case uint256Overflow(String)
    /// Text that should be an unsigned integer is not.
    case invalidNumber(String)
    /// Division or remainder by zero.
    case divisionByZero
    /// A raw transaction that is not a well-formed signed EIP-1559 transaction.
    case invalidTransaction(String)
    /// Contract return data that does not decode as the expected ABI type.
    case invalidABIData(String)

    public var code: String {
        switch self {
        case .malformedHex: "malformed_hex"
        case .invalidLength: "invalid_length"
        case .invalidAddress: "invalid_address"
        case .invalidAddressChecksum: "invalid_address_checksum"
        case .invalidSignatureLength: "invalid_signature_length"
        case .invalidSignatureScalar: "invalid_signature"
        case .highSSignature: "high_s_signature"
        case .invalidSignatureV: "invalid_signature_v"
        case .signatureRecoveryFailed: "signature_recovery_failed"
        case .invalidRLP: "invalid_rlp"
        case .invalidPrivateKey: "invalid_private_key"
        case .uint256Overflow: "uint256_overflow"
        case .invalidNumber: "invalid_number"
        case .divisionByZero: "division_by_zero"
        case .invalidTransaction: "invalid_transaction"
        case .invalidABIData: "invalid_abi_data"
        }
    }

    public var description: String {
        switch self {
        case .malformedHex(let detail):
            "Malformed hex: \(detail). Send an even number of hex digits, optionally prefixed with 0x."
        case .invalidLength(let what, let expected, let actual):
            "A \(what) must be exactly \(expected) bytes; got \(actual)."
        case .invalidAddress(let detail):
            "Not an Ethereum address: \(detail). Send 0x followed by 40 hex digits."
        case .invalidAddressChecksum(let address):
            "The address \(address) has mixed case that is not its EIP-55 checksum: it was probably mistyped. Check it, or send it all lowercase."
        case .invalidSignatureLength(let count):
            "A signature must be 65 bytes (r, s, v); got \(count)."
        case .invalidSignatureScalar(let component):
            "The signature's \(component) is zero or not below the secp256k1 curve order, so it cannot be valid."
        case .highSSignature:
            "The signature's s is in the upper half of the curve order (a malleable signature); sign again with a wallet that produces low-s signatures."
        case .invalidSignatureV(let v):
            "The signature's v must be 27 or 28 (0 or 1 is accepted and normalised); got \(v)."
        case .signatureRecoveryFailed:
            "No signer can be recovered from this signature over this message: the signature does not belong to it."
        case .invalidRLP(let detail):
            "Invalid RLP: \(detail)."
        case .invalidPrivateKey:
            "The private key is not a valid secp256k1 key: it must be 32 bytes, non-zero and below the curve order."
        case .uint256Overflow(let detail):
            "Number out of range: \(detail)."
        case .invalidNumber(let detail):
            "Not an unsigned integer: \(detail). Send decimal digits only (no sign, no spaces) or 0x-prefixed hex."
        case .divisionByZero:
            "Division by zero."
        case .invalidTransaction(let detail):
            "Not a valid signed EIP-1559 transaction: \(detail)."
        case .invalidABIData(let detail):
            "Contract data does not decode: \(detail)."
        }
    }
}
