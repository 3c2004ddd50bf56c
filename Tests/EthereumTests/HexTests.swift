import XCTest
@testable import Ethereum

final class HexTests: XCTestCase {
    func testDecodesWithAndWithoutPrefixInEitherCase() throws {
        XCTAssertEqual(try Hex.decode("0x00ff10Ab"), [0x00, 0xff, 0x10, 0xab])
        XCTAssertEqual(try Hex.decode("0X00FF"), [0x00, 0xff])
        XCTAssertEqual(try Hex.decode("00ff"), [0x00, 0xff])
        XCTAssertEqual(try Hex.decode("0x"), [])
        XCTAssertEqual(try Hex.decode(""), [])
    }

    func testRejectsOddLengthWithClearError() {
        XCTAssertThrowsError(try Hex.decode("0x123")) { error in
            XCTAssertEqual((error as? EthereumError)?.code, "malformed_hex")
            XCTAssertTrue("\(error)".contains("odd number of hex digits"), "\(error)")
        }
    }

    func testRejectsNonHexCharacters() {
        for text in ["0xzz", "0x0g", "0x 1", "0x-1", "0xé0", "0x0x00"] {
            XCTAssertThrowsError(try Hex.decode(text), text) { XCTAssertEqual(($0 as? EthereumError)?.code, "malformed_hex", text) }
        }
    }

    func testEncodesLowercaseWithPrefix() {
        XCTAssertEqual(Hex.encode([0x00, 0xab, 0xff]), "0x00abff")
        XCTAssertEqual(Hex.encode([]), "0x")
        XCTAssertEqual(Hex.encode([0xAB], prefix: false), "ab")
    }

    func testDecodeWithExpectedCountReportsLength() {
        XCTAssertThrowsError(try Hex.decode("0x0102", count: 32, what: "nonce")) {
            XCTAssertEqual($0 as? EthereumError, .invalidLength(what: "nonce", expected: 32, actual: 2))
        }
    }

    func testBytes32RequiresExactly32Bytes() throws {
        let hash = try Bytes32(hex: "0x" + String(repeating: "ab", count: 32))
        XCTAssertEqual(hash.hex, "0x" + String(repeating: "ab", count: 32))
        XCTAssertThrowsError(try Bytes32(hex: "0xabab")) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_length") }
        XCTAssertThrowsError(try Bytes32(hex: "0x" + String(repeating: "zz", count: 32))) { XCTAssertEqual(($0 as? EthereumError)?.code, "malformed_hex") }
        XCTAssertEqual(Bytes32(UInt256(1)).hex, "0x" + String(repeating: "0", count: 63) + "1")
    }
}
