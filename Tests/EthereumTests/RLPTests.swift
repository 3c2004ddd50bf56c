import Foundation
import XCTest
@testable import Ethereum

/// RLP against ethereum/tests RLPTests (rlptest.json, invalidRLPTest.json, RandomRLPTests).
final class RLPTests: XCTestCase {
    private func tests(_ fixture: String) throws -> [String: [String: Any]] {
        let root = try XCTUnwrap(Fixture.json(fixture) as? [String: Any])
        return try XCTUnwrap(root["tests"] as? [String: [String: Any]])
    }

    /// The ethereum/tests input notation: "#digits" is a big integer, "0x…" hex bytes, other
    /// strings UTF-8, numbers integers, arrays lists.
    private func item(from json: Any) throws -> RLPItem {
        if let text = json as? String {
            if text.hasPrefix("#") { return .bytes(try bigIntegerBytes(String(text.dropFirst()))) }
            if text.hasPrefix("0x") { return .bytes(bytes(text)) }
            return .bytes(Array(text.utf8))
        }
        if let array = json as? [Any] { return .list(try array.map(item(from:))) }
        if let number = json as? NSNumber { return .uint(number.uint64Value) }
        throw FixtureMissing(name: "unsupported RLP test input \(json)")
    }

    /// Minimal big-endian bytes of a decimal number of any size (2^256 appears in the vectors).
    private func bigIntegerBytes(_ decimal: String) throws -> [UInt8] {
        var result: [UInt8] = []  // big-endian
        for digit in decimal.utf8 {
            var carry = Int(digit - UInt8(ascii: "0"))
            for index in result.indices.reversed() {
                let value = Int(result[index]) * 10 + carry
                result[index] = UInt8(value & 0xff)
                carry = value >> 8
            }
            while carry > 0 {
                result.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        return result
    }

    func testEncodesEveryValidVectorFromEthereumTests() throws {
        let vectors = try tests("rlp-valid")
        XCTAssertEqual(vectors.count, 28)
        for (name, vector) in vectors.sorted(by: { $0.key < $1.key }) {
            let input = try item(from: try XCTUnwrap(vector["in"]))
            let expected = try XCTUnwrap(vector["out"] as? String)
            XCTAssertEqual(hexString(RLP.encode(input)), expected.lowercased(), name)
        }
    }

    func testDecodesEveryValidVectorBackToItsInput() throws {
        for (name, vector) in try tests("rlp-valid") {
            let input = try item(from: try XCTUnwrap(vector["in"]))
            let encoded = bytes(try XCTUnwrap(vector["out"] as? String))
            XCTAssertEqual(try RLP.decode(encoded), input, name)
        }
    }

    func testRandomValidVectorsRoundTrip() throws {
        for (name, vector) in try tests("rlp-random") {
            let encoded = bytes(try XCTUnwrap(vector["out"] as? String))
            XCTAssertEqual(RLP.encode(try RLP.decode(encoded)), encoded, name)
        }
    }

    func testRefusesEveryInvalidVectorFromEthereumTests() throws {
        let vectors = try tests("rlp-invalid")
        XCTAssertEqual(vectors.count, 26)
        for (name, vector) in vectors {
            let encoded = bytes(try XCTUnwrap(vector["out"] as? String))
            XCTAssertThrowsError(try RLP.decode(encoded), name) { error in
                XCTAssertEqual((error as? EthereumError)?.code, "invalid_rlp", name)
            }
        }
    }

    func testRefusesNonCanonicalInput() {
        let cases: [(String, [UInt8])] = [
            ("single byte in a one-byte string", [0x81, 0x05]),
            ("long form for a short string", [0xb8, 0x02, 0x61, 0x62]),
            ("long form for a short list", [0xf8, 0x01, 0xc0]),
            ("leading zero in long length", [0xb9, 0x00, 0x38] + [UInt8](repeating: 0x61, count: 56)),
            ("trailing bytes", [0x80, 0x01]),
            ("item overruns its list", [0xc2, 0x83, 0x61, 0x62, 0x63]),
            ("truncated string", [0x83, 0x61, 0x62]),
            ("huge length", [0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ]
        for (name, encoded) in cases {
            XCTAssertThrowsError(try RLP.decode(encoded), name) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_rlp", name) }
        }
    }

    func testRefusesDeepNestingInsteadOfExhaustingTheStack() {
        var encoded: [UInt8] = [0xc0]
        for _ in 0..<5_000 {
            let length = encoded.count
            encoded = length < 56 ? [0xc0 + UInt8(length)] + encoded : [0xf7 + UInt8(RLP.minimalBytes(UInt64(length)).count)] + RLP.minimalBytes(UInt64(length)) + encoded
        }
        XCTAssertThrowsError(try RLP.decode(encoded)) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_rlp") }
    }

    func testIntegerReadersRefuseLeadingZerosAndOversizedValues() {
        XCTAssertThrowsError(try RLPItem.bytes([0x00, 0x01]).uint256Value("nonce")) { XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_rlp") }
        XCTAssertThrowsError(try RLPItem.bytes([0x00]).uint256Value("nonce"))
        XCTAssertThrowsError(try RLPItem.bytes([UInt8](repeating: 1, count: 33)).uint256Value("value"))
        XCTAssertThrowsError(try RLPItem.bytes([UInt8](repeating: 1, count: 9)).uint64Value("gas"))
        XCTAssertThrowsError(try RLPItem.list([]).uint256Value("value"))
        XCTAssertEqual(try RLPItem.bytes([]).uint64Value("nonce"), 0)
        XCTAssertEqual(RLPItem.uint(UInt64(0)), .bytes([]))
        XCTAssertEqual(RLPItem.uint(UInt256(1024)), .bytes([0x04, 0x00]))
    }
}
