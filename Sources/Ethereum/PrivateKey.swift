import Secp256k1

/// A hot wallet's secp256k1 private key.
///
/// It exists to keep the secret inside one value that cannot leak by accident: the bytes are
/// private, and `description`, `debugDescription`, `dump` and string interpolation all print
/// `PrivateKey(<redacted> address 0x…)`. Parsing errors never quote the input. The key is
/// validated once, so signing cannot fail.
public struct PrivateKey: Sendable {
    private let secret: [UInt8]
    /// The account this key controls.
    public let address: Address

    /// 32 bytes, non-zero, below the curve order.
    public init(bytes: [UInt8]) throws(EthereumError) {
        guard bytes.count == 32, Secp256k1.isValidPrivateKey(bytes),
              let publicKey = try? Secp256k1.publicKey(privateKey: bytes) else {
            throw .invalidPrivateKey
        }
        self.secret = bytes
        self.address = try Address(publicKey: publicKey)
    }

    /// 64 hex digits, `0x` optional. Any failure is `invalid_private_key`, without details, so
    /// that no part of the key reaches a log.
    public init(hex: String) throws(EthereumError) {
        guard let bytes = try? Hex.decode(hex) else { throw .invalidPrivateKey }
        try self.init(bytes: bytes)
    }

    /// The 64-byte uncompressed public key (x ‖ y).
    public var publicKey: [UInt8] {
        // The key was validated at construction.
        (try? Secp256k1.publicKey(privateKey: secret)) ?? []
    }

    /// Signs a 32-byte digest deterministically (RFC 6979) with a low s.
    public func sign(digest: Bytes32) -> EthereumSignature {
        do {
            let raw = try Secp256k1.sign(digest: digest.bytes, privateKey: secret)
            return try EthereumSignature(v: raw.recoveryID, r: Bytes32(bytes: raw.r), s: Bytes32(bytes: raw.s))
        } catch {
            // The key and digest were validated, and libsecp256k1 always returns a normalised
            // (low-s) signature with r, s in range, so this is a broken library, not bad input.
            preconditionFailure("secp256k1 signing failed with a validated key: \(error)")
        }
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "PrivateKey(<redacted> address \(address.checksummed))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address], displayStyle: .struct) }
}
