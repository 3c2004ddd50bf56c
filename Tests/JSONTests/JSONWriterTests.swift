import JSON
import XCTest

final class JSONWriterTests: XCTestCase {
    func testWriterEscapesEverythingThatCouldBreakALineAndRoundTrips() throws {
        let value: JSONValue = ["text": .string("line\nbreak\r\u{0}\u{1f}\u{7f}\"\\é/"), "n": .double(0.1), "big": .double(1e300), "i": -5]
        let text = JSONWriter.string(value)
        XCTAssertFalse(text.contains("\n"))
        XCTAssertEqual(try StrictJSONParser.parse(text), value)
    }

    func testWriterSortsKeysAndWritesNonFiniteDoublesAsNull() {
        XCTAssertEqual(JSONWriter.string(["b": 1, "a": .double(.nan), "c": .double(.infinity)]), #"{"a":null,"b":1,"c":null}"#)
    }

    func testDoublesKeepTheirFractionAndIntegersStayIntegers() {
        // The socket protocol's transcripts pin these bytes; JSON-RPC nodes read them too.
        XCTAssertEqual(JSONWriter.string([.double(50), .double(0.5), .double(-0.0), .double(1e300), 50, .int(.min)]),
                       "[50.0,0.5,-0.0,1e+300,50,-9223372036854775808]")
    }

    func testStringsAreEscapedOnlyWhereJSONOrALineNeedsIt() {
        let text = "0x" + String(repeating: "ab", count: 40) + "\u{7f}\u{1}é/\t"
        XCTAssertEqual(JSONWriter.string(.string(text)), "\"0x" + String(repeating: "ab", count: 40) + "\\u007f\\u0001é/\\t\"")
        var appended: [UInt8] = Array("x=".utf8)
        JSONWriter.appendString("a\"b", to: &appended)
        XCTAssertEqual(String(decoding: appended, as: UTF8.self), #"x="a\"b""#)
    }
}
