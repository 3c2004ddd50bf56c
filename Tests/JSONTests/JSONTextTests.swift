import JSON
import XCTest

/// `Codable` values go through the one parser and writer: the same bytes `JSONWriter` writes,
/// and `JSONDecoder`'s strictness about types.
final class JSONTextTests: XCTestCase {
    private struct Attempt: Codable, Equatable {
        var hash: String
        var nonce: Int64
        var fee: UInt64
        var at: Double
        var note: String?
        var tags: [String]
        var raw: JSONValue

        private enum CodingKeys: String, CodingKey {
            case hash, nonce, at, note, tags, raw
            case fee = "max_fee"
        }
    }

    private let attempt = Attempt(hash: "0xab", nonce: 3, fee: 1_000_000_007, at: 1_735_689_600.25, note: nil, tags: ["a", "b"],
                                  raw: ["k": [true, .null]])

    func testEncodesWithTheOneWriterAndDecodesBack() throws {
        let text = try JSONText.string([attempt])
        XCTAssertEqual(text, #"[{"at":1735689600.25,"hash":"0xab","max_fee":1000000007,"nonce":3,"raw":{"k":[true,null]},"tags":["a","b"]}]"#)
        XCTAssertEqual(try JSONText.decode([Attempt].self, from: Array(text.utf8)), [attempt])
        XCTAssertEqual(try JSONText.decode(JSONValue.self, from: Array(text.utf8)), try StrictJSONParser.parse(text))
    }

    func testNumbersDecodeIntoTheirTypesOnlyWhenTheyFit() throws {
        let integral = #"{"hash":"h","nonce":4.0,"max_fee":1,"at":17,"tags":[],"raw":null}"#
        let decoded = try JSONText.decode(Attempt.self, from: Array(integral.utf8))
        XCTAssertEqual(decoded.nonce, 4)
        XCTAssertEqual(decoded.at, 17)
        XCTAssertEqual(decoded.raw, .null)
        for bad in [#"{"hash":"h","nonce":4.5,"max_fee":1,"at":1,"tags":[],"raw":1}"#,
                    #"{"hash":"h","nonce":1,"max_fee":-1,"at":1,"tags":[],"raw":1}"#,
                    #"{"hash":7,"nonce":1,"max_fee":1,"at":1,"tags":[],"raw":1}"#,
                    #"{"hash":"h","nonce":"1","max_fee":1,"at":1,"tags":[],"raw":1}"#,
                    #"{"nonce":1,"max_fee":1,"at":1,"tags":[],"raw":1}"#,
                    #"{"hash":"h","nonce":1,"max_fee":1,"at":1,"tags":[1],"raw":1}"#,
                    #"{"hash":"h","hash":"h","nonce":1,"max_fee":1,"at":1,"tags":[],"raw":1}"#] {
            XCTAssertThrowsError(try JSONText.decode(Attempt.self, from: Array(bad.utf8)), bad)
        }
    }

    func testValuesJSONCannotHoldAreRefusedWhenEncoding() {
        var infinite = attempt
        infinite.at = .infinity
        XCTAssertThrowsError(try JSONText.encode(infinite))
        XCTAssertThrowsError(try JSONText.encode([UInt64.max]))
    }
}
