import Foundation
import XCTest

/// Loads a JSON fixture from `Fixtures/` (copied into the test bundle as a resource folder).
///
/// The fixtures hold expected values computed outside this code base (published vectors and the
/// Python generator in scripts/ethereum-vectors), so a test that reads one checks against an
/// independent implementation.
enum Fixture {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json") else {
            throw FixtureMissing(name: name)
        }
        return url
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: data(name))
    }

    /// The fixture as loosely typed JSON, for files whose values mix types (the RLP vectors).
    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name), options: [.fragmentsAllowed])
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let name: String
    var description: String { "Fixture \(name).json is not in the test bundle" }
}

struct FixtureEmpty: Error, CustomStringConvertible {
    let name: String
    var description: String { "\(name) has no cases: the loop over it would check nothing" }
}

/// Hex for tests: decoding that fails the test instead of throwing through every call site.
func bytes(_ hex: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    var digits = hex.hasPrefix("0x") || hex.hasPrefix("0X") ? String(hex.dropFirst(2)) : hex
    if digits.count % 2 == 1 { digits = "0" + digits }
    var result = [UInt8]()
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else {
            XCTFail("test data is not hex: \(hex)", file: file, line: line)
            return []
        }
        result.append(byte)
        index = next
    }
    return result
}

func hexString(_ bytes: [UInt8]) -> String {
    "0x" + bytes.map { String(format: "%02x", $0) }.joined()
}
