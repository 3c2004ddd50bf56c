import XCTest
@testable import Ethereum

final class PrivateKeyTests: XCTestCase {
    private struct Keys: Decodable {
        struct Vector: Decodable { let privateKey: String; let publicKey: String; let address: String }
        let vectors: [Vector]
    }

    private let secretHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

    func testDerivesPublicKeyAndAddressLikeEthKeys() throws {
        let vectors = try Fixture.decode(Keys.self, from: "keys").vectors
        XCTAssertEqual(vectors.count, 5)
        for vector in vectors {
            let key = try PrivateKey(hex: vector.privateKey)
            XCTAssertEqual(key.address.checksummed, vector.address)
            XCTAssertEqual(hexString(key.publicKey), vector.publicKey)
        }
    }

    func testDescriptionsNeverRevealTheKey() throws {
        let key = try PrivateKey(hex: "0x" + secretHex)
        let renderings = [key.description, key.debugDescription, "\(key)", String(describing: key),
                          String(reflecting: key), dumped(key), "\([key])", "\(Optional(key) as Any)"]
        for text in renderings {
            XCTAssertFalse(text.lowercased().contains(secretHex.prefix(16)), text)
            XCTAssertFalse(text.lowercased().contains(secretHex.suffix(16)), text)
        }
        XCTAssertEqual(key.description, "PrivateKey(<redacted> address 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23)")
    }

    func testRejectsZeroOutOfRangeShortAndMalformedKeysWithoutQuotingThem() {
        let bad = ["0x" + String(repeating: "0", count: 64), "0x" + String(repeating: "f", count: 64),
                   "0x" + secretHex.dropLast(2), "0x" + secretHex + "00", "0x" + secretHex.dropLast(1) + "g", ""]
        for text in bad {
            XCTAssertThrowsError(try PrivateKey(hex: text), text) { error in
                XCTAssertEqual(error as? EthereumError, .invalidPrivateKey)
                XCTAssertFalse("\(error)".contains(secretHex.prefix(8)))
            }
        }
    }

    func testSignatureRecoversToTheKeysAddress() throws {
        let key = try PrivateKey(hex: secretHex)
        let digest = Bytes32.keccak256(Array("paymentd".utf8))
        let signature = key.sign(digest: digest)
        XCTAssertEqual(try signature.recoverSigner(digest: digest), key.address)
        XCTAssertTrue(signature.v == 27 || signature.v == 28)
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
