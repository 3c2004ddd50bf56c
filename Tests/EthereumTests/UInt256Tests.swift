import Foundation
import XCTest
@testable import Ethereum

final class UInt256Tests: XCTestCase {
    private struct Vectors: Decodable {
        struct Value: Decodable { let decimal: String; let hex: String; let bigEndian: String; let minimalBigEndian: String }
        struct Arithmetic: Decodable {
            let a: String, b: String
            let sum: String, sumOverflow: Bool
            let difference: String, differenceOverflow: Bool
            let product: String, productOverflow: Bool
            let quotient: String?, remainder: String?
        }
        let values: [Value]
        let arithmetic: [Arithmetic]
    }

    private func vectors() throws -> Vectors { try Fixture.decode(Vectors.self, from: "uint256") }

    private func number(_ decimal: String, file: StaticString = #filePath, line: UInt = #line) throws -> UInt256 {
        try XCTUnwrap(UInt256(decimal: decimal), "not a uint256: \(decimal)", file: file, line: line)
    }

    func testDecimalHexAndByteFormsRoundTripAtEdges() throws {
        let values = try vectors().values
        XCTAssertEqual(values.count, 20)
        for vector in values {
            let value = try number(vector.decimal)
            XCTAssertEqual(value.description, vector.decimal)
            XCTAssertEqual(value.hexString, vector.hex)
            XCTAssertEqual(UInt256(hexString: vector.hex), value)
            XCTAssertEqual(hexString(value.bigEndianBytes), vector.bigEndian)
            XCTAssertEqual(hexString(value.minimalBigEndianBytes), vector.minimalBigEndian)
            XCTAssertEqual(try UInt256(bigEndian: bytes(vector.bigEndian)), value)
            XCTAssertEqual(try UInt256(bigEndian: bytes(vector.minimalBigEndian)), value)
        }
    }

    func testArithmeticMatchesArbitraryPrecisionResults() throws {
        let arithmetic = try vectors().arithmetic
        XCTAssertEqual(arithmetic.count, 70)
        for vector in arithmetic {
            let a = try number(vector.a), b = try number(vector.b)
            let context = "\(vector.a) op \(vector.b)"
            let sum = a.addingReportingOverflow(b)
            XCTAssertEqual(sum.partialValue.description, vector.sum, context)
            XCTAssertEqual(sum.overflow, vector.sumOverflow, context)
            let difference = a.subtractingReportingOverflow(b)
            XCTAssertEqual(difference.partialValue.description, vector.difference, context)
            XCTAssertEqual(difference.overflow, vector.differenceOverflow, context)
            let product = a.multipliedReportingOverflow(by: b)
            XCTAssertEqual(product.partialValue.description, vector.product, context)
            XCTAssertEqual(product.overflow, vector.productOverflow, context)
            let division = a.quotientAndRemainderReportingZero(dividingBy: b)
            XCTAssertEqual(division?.quotient.description, vector.quotient, context)
            XCTAssertEqual(division?.remainder.description, vector.remainder, context)
        }
    }

    func testReportsOverflowAtTheTopOfTheRange() throws {
        XCTAssertTrue(UInt256.max.addingReportingOverflow(1).overflow)
        XCTAssertEqual(UInt256.max.addingReportingOverflow(1).partialValue, .zero)
        XCTAssertTrue(UInt256.zero.subtractingReportingOverflow(1).overflow)
        XCTAssertTrue(UInt256.max.multipliedReportingOverflow(by: 2).overflow)
        XCTAssertThrowsError(try UInt256.max.checkedAdding(1)) { XCTAssertEqual(($0 as? EthereumError)?.code, "uint256_overflow") }
        XCTAssertThrowsError(try UInt256(5).checkedSubtracting(6)) { XCTAssertEqual(($0 as? EthereumError)?.code, "uint256_overflow") }
        XCTAssertThrowsError(try UInt256.max.checkedMultiplied(by: UInt256.max)) { XCTAssertEqual(($0 as? EthereumError)?.code, "uint256_overflow") }
        XCTAssertThrowsError(try UInt256(5).checkedDivided(by: .zero)) { XCTAssertEqual($0 as? EthereumError, .divisionByZero) }
    }

    func testFeeStyleArithmeticWithLiterals() throws {
        let baseFee: UInt256 = 1_000_000_007
        XCTAssertEqual(baseFee * 12 / 10 + 10_000_000, 1_210_000_008)
        XCTAssertEqual(UInt256(1_000_000_007) % 10, 7)
    }

    func testDecimalParserRejectsEmptySignsNonDigitsAndOverflow() {
        for text in ["", "-1", "+1", " 1", "1 ", "1_000", "0x10", "1e6", "１", "12a"] {
            XCTAssertNil(UInt256(decimal: text), text)
            XCTAssertThrowsError(try UInt256(parsingDecimal: text), text) {
                XCTAssertEqual(($0 as? EthereumError)?.code, "invalid_number", text)
            }
        }
        let twoTo256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        XCTAssertNil(UInt256(decimal: twoTo256))
        XCTAssertThrowsError(try UInt256(parsingDecimal: twoTo256)) { XCTAssertEqual(($0 as? EthereumError)?.code, "uint256_overflow") }
        XCTAssertEqual(UInt256(decimal: "000123"), 123)
    }

    func testHexParserRejectsEmptyNonHexAndOverflow() {
        for text in ["", "0x", "0xg", "-0x1", "0x 1"] { XCTAssertNil(UInt256(hexString: text), text) }
        XCTAssertNil(UInt256(hexString: "0x1" + String(repeating: "0", count: 64)))
        XCTAssertEqual(UInt256(hexString: "0x" + String(repeating: "0", count: 70) + "ff"), 255)
        XCTAssertEqual(UInt256(hexString: "FF"), 255)
    }

    func testBigEndianInitRejectsMoreThan32SignificantBytes() {
        XCTAssertThrowsError(try UInt256(bigEndian: [1] + [UInt8](repeating: 0, count: 32))) {
            XCTAssertEqual(($0 as? EthereumError)?.code, "uint256_overflow")
        }
        XCTAssertEqual(try UInt256(bigEndian: [0, 0] + [UInt8](repeating: 0xff, count: 32)), .max)
        XCTAssertEqual(try UInt256(bigEndian: []), .zero)
    }

    func testUInt64ValueOnlyWhenItFits() {
        XCTAssertEqual(UInt256(UInt64.max).uint64Value, .max)
        XCTAssertNil((UInt256(UInt64.max) + 1).uint64Value)
    }

    func testCodableUsesDecimalStringsAndRefusesJSONNumbers() throws {
        let encoded = try JSONEncoder().encode([UInt256.max])
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "[\"\(UInt256.max)\"]")
        XCTAssertEqual(try JSONDecoder().decode([UInt256].self, from: encoded), [.max])
        XCTAssertEqual(try JSONDecoder().decode([UInt256].self, from: Data("[\"0x1b\"]".utf8)), [27])
        XCTAssertThrowsError(try JSONDecoder().decode([UInt256].self, from: Data("[27]".utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode([UInt256].self, from: Data("[\"-1\"]".utf8)))
    }

    func testOrderingComparesHighLimbsFirst() throws {
        XCTAssertLessThan(UInt256(UInt64.max), try number("18446744073709551616"))
        XCTAssertLessThan(UInt256.zero, UInt256.max)
        XCTAssertEqual([UInt256(3), .max, 1].sorted(), [1, 3, .max])
    }
}
