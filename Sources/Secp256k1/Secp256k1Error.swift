import ErrorCoding

/// Failures of the secp256k1 wrapper.
public enum Secp256k1Error: CodedError, Equatable {
    case invalidPrivateKey
    case invalidDigestLength(Int)
    case invalidSignature
    case invalidRecoveryID(UInt8)
    case recoveryFailed

    public var code: String {
        switch self {
        case .invalidPrivateKey: "invalid_private_key"
        case .invalidDigestLength: "invalid_digest"
        case .invalidSignature: "invalid_signature"
        case .invalidRecoveryID: "invalid_signature"
        case .recoveryFailed: "signature_recovery_failed"
        }
    }

    public var description: String {
        switch self {
        case .invalidPrivateKey:
            "The private key is not a valid secp256k1 scalar (it must be 32 bytes, non-zero, below the curve order)."
        case .invalidDigestLength(let n):
            "A message digest must be exactly 32 bytes; got \(n)."
        case .invalidSignature:
            "The signature's r or s is not a valid secp256k1 scalar."
        case .invalidRecoveryID(let v):
            "The recovery id must be 0 or 1; got \(v)."
        case .recoveryFailed:
            "No public key can be recovered from this signature and digest."
        }
    }
}
