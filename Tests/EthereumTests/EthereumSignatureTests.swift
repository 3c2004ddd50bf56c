import XCTest
@testable import Ethereum

final class EthereumSignatureTests: XCTestCase {
    private func firstVector() throws -> EIP712Tests.Vectors.Vector {
        try XCTUnwrap(EIP712Tests.vectors().vectors.first)
    }

    private func code(of expression: @autoclosure () throws -> some Any) -> String? {
        do {
            _ = try expression()
            return nil
        } catch {
            return (error as? EthereumError)?.code
        }
    }

    func testRejectsHighSSignature() throws {
        for vector in try EIP712Tests.vectors().vectors {
            XCTAssertThrowsError(try EthereumSignature(hex: vector.highSSignature)) { error in
                XCTAssertEqual(error as? EthereumError, .highSSignature)
                XCTAssertEqual((error as? EthereumError)?.code, "high_s_signature")
            }
        }
    }

    func testNormalisesVZeroAndOneTo27And28() throws {
        let vector = try firstVector()
        let canonical = try EthereumSignature(hex: vector.signature)
        let rs = String(vector.signature.dropLast(2))
        let parityByte = canonical.v == 27 ? "00" : "01"
        let fromParity = try EthereumSignature(hex: rs + parityByte)
        XCTAssertEqual(fromParity, canonical)
        XCTAssertEqual(fromParity.hex, vector.signature)
        XCTAssertEqual(try EthereumSignature(v: String(canonical.v - 27), r: vector.r, s: vector.s), canonical)
        XCTAssertEqual(try EthereumSignature(v: "0x" + String(canonical.v, radix: 16), r: vector.r, s: vector.s), canonical)
        XCTAssertEqual(try EthereumSignature(v: canonical.yParity, r: canonical.r, s: canonical.s).v, canonical.v)
    }

    func testRejectsVOutsideZeroOneTwentySevenTwentyEight() throws {
        let vector = try firstVector()
        let rs = String(vector.signature.dropLast(2))
        for v in ["02", "1a", "1d", "25", "26", "ff"] {
            XCTAssertEqual(code(of: try EthereumSignature(hex: rs + v)), "invalid_signature_v", v)
        }
        for v in ["2", "29", "37", "-1", "", "0x", "x", "0x1g", "256"] {
            XCTAssertEqual(code(of: try EthereumSignature(v: v, r: vector.r, s: vector.s)), "invalid_signature_v", v)
        }
    }

    func testRejectsZeroOrOutOfRangeRAndS() throws {
        let vector = try firstVector()
        let zero = String(repeating: "0", count: 64)
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        let r = String(vector.r.dropFirst(2)), s = String(vector.s.dropFirst(2))
        XCTAssertEqual(code(of: try EthereumSignature(hex: "0x" + zero + s + "1b")), "invalid_signature")
        XCTAssertEqual(code(of: try EthereumSignature(hex: "0x" + n + s + "1b")), "invalid_signature")
        XCTAssertEqual(code(of: try EthereumSignature(hex: "0x" + r + zero + "1b")), "invalid_signature")
        XCTAssertEqual(code(of: try EthereumSignature(hex: "0x" + r + n + "1b")), "invalid_signature")
        XCTAssertEqual(try? EthereumSignature(hex: "0x" + r + zero + "1b"), nil)
        do {
            _ = try EthereumSignature(hex: "0x" + r + zero + "1b")
        } catch {
            XCTAssertEqual(error, .invalidSignatureScalar(component: "s"))
        }
    }

    func testAcceptsSExactlyAtHalfOrderAndRejectsOneAbove() throws {
        let r = String(repeating: "11", count: 32)
        let half = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"
        let halfPlusOne = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1"
        XCTAssertNoThrow(try EthereumSignature(hex: r + half + "1b"))
        XCTAssertEqual(code(of: try EthereumSignature(hex: r + halfPlusOne + "1b")), "high_s_signature")
    }

    func testRejectsWrongLengthsAndMalformedHex() throws {
        let vector = try firstVector()
        XCTAssertEqual(code(of: try EthereumSignature(hex: String(vector.signature.dropLast(2)))), "invalid_signature_length")
        XCTAssertEqual(code(of: try EthereumSignature(hex: vector.signature + "00")), "invalid_signature_length")
        XCTAssertEqual(code(of: try EthereumSignature(hex: "0x")), "invalid_signature_length")
        XCTAssertEqual(code(of: try EthereumSignature(hex: String(vector.signature.dropLast(1)) + "g")), "malformed_hex")
        XCTAssertEqual(code(of: try EthereumSignature(hex: String(vector.signature.dropLast(1)))), "malformed_hex")
        XCTAssertEqual(code(of: try EthereumSignature(v: "27", r: "0x1234", s: vector.s)), "invalid_length")
    }

    func testErrorsAreDistinctAndDescribed() {
        let errors: [EthereumError] = [.highSSignature, .invalidSignatureV("2"), .invalidSignatureLength(64),
                                       .invalidSignatureScalar(component: "r"), .malformedHex("odd"), .signatureRecoveryFailed]
        XCTAssertEqual(Set(errors.map(\.code)).count, errors.count)
        for error in errors { XCTAssertTrue(error.description.hasSuffix("."), error.description) }
    }

    func testRecoverySurvivesARandomDigest() throws {
        let vector = try firstVector()
        let signature = try EthereumSignature(hex: vector.signature)
        // Any digest recovers some address (or none); it just is not the signer.
        let digest = Bytes32.keccak256([1, 2, 3])
        if let recovered = try? signature.recoverSigner(digest: digest) {
            XCTAssertNotEqual(recovered.checksummed, vector.signer)
        }
    }
}
