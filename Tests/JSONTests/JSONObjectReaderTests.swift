import JSON
import XCTest

final class JSONObjectReaderTests: XCTestCase {
    private enum Color: String, CaseIterable { case red, green }

    func testReadsTypedFieldsAndTreatsNullAsAbsent() throws {
        let reader = try JSONObjectReader(["s": "x", "i": 7, "d": .double(2.5), "b": false, "n": nil, "a": [1], "e": "green",
                                           "o": ["inner": "y"], "unknown": [:]], path: "top")
        XCTAssertEqual(try reader.string("s"), "x")
        XCTAssertEqual(try reader.int("i"), 7)
        XCTAssertEqual(try reader.optionalDouble("i"), 7)
        XCTAssertEqual(try reader.optionalDouble("d"), 2.5)
        XCTAssertEqual(try reader.bool("b"), false)
        XCTAssertNil(try reader.optionalString("n"))
        XCTAssertNil(reader.value("n"))
        XCTAssertEqual(try reader.array("a"), [1])
        XCTAssertEqual(try reader.enumeration("e", Color.self), .green)
        XCTAssertEqual(try reader.object("o").string("inner"), "y")
        XCTAssertEqual(try reader.object("o").path, "top.o")
    }

    func testErrorsNameTheFieldByItsPathAndSayWhatWasExpected() throws {
        let reader = try JSONObjectReader(["payment": ["amount": 5, "mints": [["index": "x"]]]])
        let payment = try reader.object("payment")
        XCTAssertThrowsError(try payment.string("amount")) { error in
            XCTAssertEqual(error as? JSONShapeError, JSONShapeError(field: "payment.amount", reason: "must be a string"))
        }
        XCTAssertThrowsError(try payment.string("missing")) { error in
            XCTAssertEqual(error as? JSONShapeError, JSONShapeError(field: "payment.missing", reason: "is required (a string)"))
        }
        XCTAssertThrowsError(try payment.objects("mints")[0].int("index")) { error in
            XCTAssertEqual((error as? JSONShapeError)?.field, "payment.mints[0].index")
        }
        XCTAssertThrowsError(try reader.enumeration("payment", Color.self)) { error in
            XCTAssertEqual((error as? JSONShapeError)?.reason, "must be a string")
        }
        XCTAssertThrowsError(try JSONObjectReader([1])) { error in
            XCTAssertEqual(error as? JSONShapeError, JSONShapeError(field: "(message)", reason: "must be an object"))
        }
    }
}
