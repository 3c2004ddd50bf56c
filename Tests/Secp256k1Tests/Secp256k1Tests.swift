import XCTest
@testable import Secp256k1

final class Secp256k1Tests: XCTestCase {
    /// The generator point G is the public key of private key 1 (SEC 2, section 2.4.1).
    func testPublicKeyOfOneIsGeneratorPoint() throws {
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 1
        let pub = try Secp256k1.publicKey(privateKey: one)
        XCTAssertEqual(hex(Array(pub[0..<32])), "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        XCTAssertEqual(hex(Array(pub[32..<64])), "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    }

    func testSignThenRecoverGivesSignersKey() throws {
        let key = [UInt8](repeating: 0x11, count: 32)
        let digest = (0..<32).map { UInt8($0) }
        let sig = try Secp256k1.sign(digest: digest, privateKey: key)
        XCTAssertEqual(try Secp256k1.recoverPublicKey(digest: digest, signature: sig), try Secp256k1.publicKey(privateKey: key))
    }

    /// RFC 6979 signatures with Ethereum's low s, computed independently with eth-keys 0.8.0's
    /// pure-Python backend (`NativeECCBackend`, its own RFC 6979 nonce and point arithmetic) and
    /// matched by its libsecp256k1 backend (coincurve). They cover both recovery ids, and both a
    /// signature whose raw s was high (negated to N - s, which flips the recovery id) and one
    /// whose s was low already. A nonce that were random, or a different deterministic nonce,
    /// would give other r and s.
    func testSignaturesMatchIndependentRFC6979Vectors() throws {
        let vectors: [(key: String, digest: String, r: String, s: String, v: UInt8)] = [
            (String(repeating: "22", count: 32), String(repeating: "ab", count: 32),
             "4914b8597861af031d71076096d005030c92d651b3295add8a2e94cb70c8b694",
             "18072cb5e3c695d1a0f58ac4d760c76dc45746e04e284f5544d0a72b72871d79", 0),
            // Raw s high, recovery id 0 after negating s.
            ("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
             "490640a408c042e6be4e04cae292566216d9ed15af1395e5032158e23f314c15",
             "99a2534b4902921ca6aa04f79ef9f78db8c59ca9a75e29ac5902dfd16da052ad",
             "3ced731c26e15a83702a8a4ff84b3faa459d9333a0099a5dc5f961450ed30793", 0),
            // Raw s high, recovery id 1 after negating s.
            ("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
             "f434563b35a559eb4c2f23d65de605d1d8eb52ac736c7e564fb2a61305b4a424",
             "99eceb40cb1e388c61492c92a7211d8f3af1f38f6377882f7e094bea34d512b6",
             "3d4361553540db5a69a860716b3548cbb1299d23c9930b204a1813ba9b48526f", 1),
            // Raw s low, recovery id 1.
            ("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
             "28e36879faa1307503f49c523592d9398514e3a3a43185502e72ed3951d89521",
             "de6b5380022c3cf118eadcb60131a3174cef913a371b83aabc4a1267686e122b",
             "4dc3d53870be6f814945995800de0312cfa057cd4d4df34f8f742dc31f228558", 1),
        ]
        for vector in vectors {
            let key = try bytes(vector.key), digest = try bytes(vector.digest)
            let signature = try Secp256k1.sign(digest: digest, privateKey: key)
            XCTAssertEqual(hex(signature.r), vector.r, "r of \(vector.digest)")
            XCTAssertEqual(hex(signature.s), vector.s, "s of \(vector.digest)")
            XCTAssertEqual(signature.recoveryID, vector.v, "recovery id of \(vector.digest)")
            let pinned = RecoverableSignature(r: try bytes(vector.r), s: try bytes(vector.s), recoveryID: vector.v)
            XCTAssertEqual(try Secp256k1.recoverPublicKey(digest: digest, signature: pinned), try Secp256k1.publicKey(privateKey: key),
                           "the pinned signature recovers its signer's key")
        }
    }

    func testRejectsZeroPrivateKey() {
        XCTAssertThrowsError(try Secp256k1.publicKey(privateKey: [UInt8](repeating: 0, count: 32))) { error in
            XCTAssertEqual(error as? Secp256k1Error, .invalidPrivateKey)
        }
    }

    func testRejectsPrivateKeyAboveCurveOrder() {
        XCTAssertFalse(Secp256k1.isValidPrivateKey([UInt8](repeating: 0xff, count: 32)))
    }

    func testRejectsShortDigest() {
        XCTAssertThrowsError(try Secp256k1.sign(digest: [1, 2, 3], privateKey: [UInt8](repeating: 1, count: 32))) { error in
            XCTAssertEqual(error as? Secp256k1Error, .invalidDigestLength(3))
        }
    }

    func testRejectsRecoveryIDAboveOne() {
        let sig = RecoverableSignature(r: [UInt8](repeating: 1, count: 32), s: [UInt8](repeating: 1, count: 32), recoveryID: 2)
        XCTAssertThrowsError(try Secp256k1.recoverPublicKey(digest: [UInt8](repeating: 0, count: 32), signature: sig))
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private struct BadHex: Error { let text: String }

    private func bytes(_ hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw BadHex(text: hex) }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { throw BadHex(text: hex) }
            return byte
        }
    }
}
