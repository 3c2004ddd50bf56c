import Foundation
import XCTest
@testable import Ethereum

final class AddressTests: XCTestCase {
    private struct EIP55: Decodable { let checksummed: [String]; let extra: [String] }
    private struct Keys: Decodable {
        struct Vector: Decodable { let privateKey: String; let publicKey: String; let address: String }
        let vectors: [Vector]
    }

    func testChecksumMatchesEIP55TestCases() throws {
        let file = try Fixture.decode(EIP55.self, from: "eip55")
        XCTAssertEqual(file.checksummed.count, 8)
        XCTAssertEqual(file.extra.count, 2)
        for published in file.checksummed + file.extra {
            XCTAssertEqual(try Address(hex: published.lowercased()).checksummed, published)
            XCTAssertEqual(try Address(hex: published).checksummed, published)
        }
    }

    func testAcceptsAllLowercaseAndAllUppercaseWithoutChecksum() throws {
        let address = try Address(hex: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        XCTAssertEqual(try Address(hex: "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), address)
        XCTAssertEqual(try Address(hex: "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), address)
        XCTAssertEqual(try Address(hex: "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), address)
        XCTAssertEqual(address.lowercaseHex, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    }

    func testRejectsWrongMixedCaseChecksum() {
        // The first letter's case flipped: still valid hex, no longer the checksum.
        XCTAssertThrowsError(try Address(hex: "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")) { error in
            XCTAssertEqual((error as? EthereumError)?.code, "invalid_address_checksum")
            XCTAssertTrue("\(error)".contains("EIP-55"))
        }
    }

    func testRejectsBadLengthsAndNonHex() {
        for text in ["", "0x", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00",
                     "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "0x 5aaeb6053f3e94c9b9a09f33669435e7ef1beae"] {
            XCTAssertThrowsError(try Address(hex: text), text) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_address", text) }
        }
        XCTAssertThrowsError(try Address(bytes: [1, 2, 3])) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_length") }
    }

    func testAddressFromPublicKeyMatchesEthKeys() throws {
        let vectors = try Fixture.decode(Keys.self, from: "keys").vectors
        XCTAssertEqual(vectors.count, 5)
        for vector in vectors {
            XCTAssertEqual(try Address(publicKey: bytes(vector.publicKey)).checksummed, vector.address)
        }
    }

    func testCodableUsesChecksummedString() throws {
        let address = try Address(hex: "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359")
        let json = try JSONEncoder().encode([address])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[\"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\"]")
        XCTAssertEqual(try JSONDecoder().decode([Address].self, from: json), [address])
        XCTAssertThrowsError(try JSONDecoder().decode([Address].self, from: Data("[\"0xFb6916095ca1df60bB79Ce92cE3Ea74c37c5d359\"]".utf8)))
    }
}
