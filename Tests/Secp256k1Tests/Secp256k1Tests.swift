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

    func testSignatureIsDeterministic() throws {
        let key = [UInt8](repeating: 0x22, count: 32)
        let digest = [UInt8](repeating: 0xab, count: 32)
        XCTAssertEqual(try Secp256k1.sign(digest: digest, privateKey: key), try Secp256k1.sign(digest: digest, privateKey: key))
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
}
