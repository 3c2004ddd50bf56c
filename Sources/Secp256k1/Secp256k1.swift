import CSecp256k1

/// secp256k1 signing and public-key recovery, the two curve operations Ethereum needs.
///
/// Owns one libsecp256k1 context for the whole process. Every call copies its inputs into C
/// buffers and returns Swift arrays, so no pointer escapes this file.
public enum Secp256k1 {
    /// Derives the 64-byte uncompressed public key (x ‖ y, without the 0x04 prefix).
    public static func publicKey(privateKey: [UInt8]) throws(Secp256k1Error) -> [UInt8] {
        guard privateKey.count == 32, isValidPrivateKey(privateKey) else { throw .invalidPrivateKey }
        var pubkey = secp256k1_pubkey()
        let ok = privateKey.withUnsafeBufferPointer { key in
            secp256k1_ec_pubkey_create(SharedContext.pointer, &pubkey, key.baseAddress!)
        }
        guard ok == 1 else { throw .invalidPrivateKey }
        return serialize(pubkey)
    }

    /// Whether `privateKey` is 32 bytes, non-zero and below the curve order.
    public static func isValidPrivateKey(_ privateKey: [UInt8]) -> Bool {
        guard privateKey.count == 32 else { return false }
        return privateKey.withUnsafeBufferPointer { key in
            secp256k1_ec_seckey_verify(SharedContext.pointer, key.baseAddress!) == 1
        }
    }

    /// Signs a 32-byte digest deterministically (RFC 6979). The result always has a low s.
    public static func sign(digest: [UInt8], privateKey: [UInt8]) throws(Secp256k1Error) -> RecoverableSignature {
        guard digest.count == 32 else { throw .invalidDigestLength(digest.count) }
        guard isValidPrivateKey(privateKey) else { throw .invalidPrivateKey }
        var signature = secp256k1_ecdsa_recoverable_signature()
        let ok = digest.withUnsafeBufferPointer { msg in
            privateKey.withUnsafeBufferPointer { key in
                secp256k1_ecdsa_sign_recoverable(SharedContext.pointer, &signature, msg.baseAddress!, key.baseAddress!, nil, nil)
            }
        }
        guard ok == 1 else { throw .invalidPrivateKey }
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = compact.withUnsafeMutableBufferPointer { out in
            secp256k1_ecdsa_recoverable_signature_serialize_compact(SharedContext.pointer, out.baseAddress!, &recid, &signature)
        }
        return RecoverableSignature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryID: UInt8(recid))
    }

    /// Recovers the 64-byte uncompressed public key that produced `signature` over `digest`.
    ///
    /// This does not judge malleability: callers that must refuse high-s signatures check s first.
    public static func recoverPublicKey(digest: [UInt8], signature: RecoverableSignature) throws(Secp256k1Error) -> [UInt8] {
        guard digest.count == 32 else { throw .invalidDigestLength(digest.count) }
        guard signature.recoveryID <= 1 else { throw .invalidRecoveryID(signature.recoveryID) }
        guard signature.r.count == 32, signature.s.count == 32 else { throw .invalidSignature }
        let compact = signature.r + signature.s
        var parsed = secp256k1_ecdsa_recoverable_signature()
        let parsedOK = compact.withUnsafeBufferPointer { input in
            secp256k1_ecdsa_recoverable_signature_parse_compact(SharedContext.pointer, &parsed, input.baseAddress!, Int32(signature.recoveryID))
        }
        guard parsedOK == 1 else { throw .invalidSignature }
        var pubkey = secp256k1_pubkey()
        let recovered = digest.withUnsafeBufferPointer { msg in
            secp256k1_ecdsa_recover(SharedContext.pointer, &pubkey, &parsed, msg.baseAddress!)
        }
        guard recovered == 1 else { throw .recoveryFailed }
        return serialize(pubkey)
    }

    private static func serialize(_ pubkey: secp256k1_pubkey) -> [UInt8] {
        var key = pubkey
        var output = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = output.withUnsafeMutableBufferPointer { out in
            secp256k1_ec_pubkey_serialize(SharedContext.pointer, out.baseAddress!, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
        }
        return Array(output[1..<65])
    }
}

/// The process-wide context. libsecp256k1 documents that a context may be used from many threads
/// at once by every function that takes it as `const` (signing, recovery, key derivation, which
/// are all this file calls); only `secp256k1_context_randomize` mutates it, and we never call it
/// after creation. That is why sharing the raw pointer is sound.
private enum SharedContext {
    nonisolated(unsafe) static let pointer: OpaquePointer = {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create returned NULL: the library is unusable")
        }
        return ctx
    }()
}
