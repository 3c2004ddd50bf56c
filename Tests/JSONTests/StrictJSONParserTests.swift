import JSON
import XCTest

final class StrictJSONParserTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let value = try StrictJSONParser.parse(#" {"a":[1,-2,3.5,1e3,true,false,null],"b":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","c":{}} "#)
        XCTAssertEqual(value, [
            "a": [1, -2, .double(3.5), .double(1000), true, false, nil],
            "b": .string("x\"\\/\u{8}\u{c}\n\r\té😀"),
            "c": [:],
        ])
    }

    func testIntegersBeyondInt64BecomeDoublesAndInfinityIsRefused() throws {
        XCTAssertEqual(try StrictJSONParser.parse("9223372036854775807"), .int(.max))
        XCTAssertEqual(try StrictJSONParser.parse("9223372036854775808"), .double(9_223_372_036_854_775_808))
        XCTAssertThrowsError(try StrictJSONParser.parse("1e999999"))
        XCTAssertThrowsError(try StrictJSONParser.parse("-" + String(repeating: "9", count: 400) + ".0e400"))
    }

    func testRefusesWhatRFC8259Refuses() {
        let bad = ["", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "-", "1e", "tru", "nul",
                   "\"abc", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "{'a':1}", "[1] [2]", "{\"a\":1}x", "NaN", "Infinity"]
        for text in bad {
            XCTAssertThrowsError(try StrictJSONParser.parse(text), "accepted \(text.debugDescription)")
        }
    }

    func testRefusesInvalidUTF8AndLoneSurrogates() {
        XCTAssertThrowsError(try StrictJSONParser.parse([0x22, 0xC3, 0x28, 0x22]))
        XCTAssertThrowsError(try StrictJSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]))
        XCTAssertThrowsError(try StrictJSONParser.parse([0x22, 0xC0, 0xAF, 0x22]))
        XCTAssertThrowsError(try StrictJSONParser.parse(#""\ud800""#))
        XCTAssertThrowsError(try StrictJSONParser.parse(#""\udc00""#))
        XCTAssertThrowsError(try StrictJSONParser.parse(#""\ud800\u0041""#))
    }

    func testRefusesDuplicateKeys() {
        XCTAssertThrowsError(try StrictJSONParser.parse(#"{"cmd":"ping","cmd":"stop"}"#)) { error in
            XCTAssertTrue("\(error)".contains("duplicate key"))
        }
    }

    func testNestingIsBoundedWithoutExhaustingTheStack() {
        let deep = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
        XCTAssertThrowsError(try StrictJSONParser.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nesting"))
        }
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try StrictJSONParser.parse(allowed))
        let tooDeep = String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)
        XCTAssertThrowsError(try StrictJSONParser.parse(tooDeep))
    }
}
