import LineProtocolCodec
import XCTest

final class LineFramerTests: XCTestCase {
    func testSplitsLinesAcrossChunksAndDropsCarriageReturn() {
        var framer = LineFramer()
        framer.append(Array("pi".utf8))
        XCTAssertNil(framer.nextLine())
        framer.append(Array("ng\r\nstats\nver".utf8))
        XCTAssertEqual(framer.nextLine(), .line(Array("ping".utf8)))
        XCTAssertEqual(framer.nextLine(), .line(Array("stats".utf8)))
        XCTAssertNil(framer.nextLine())
        XCTAssertEqual(framer.finish(), .line(Array("ver".utf8)))
    }

    func testLineOfExactlyTheLimitIncludingNewlineIsAccepted() {
        var framer = LineFramer(maximumLineBytes: 16)
        framer.append(Array(repeating: UInt8(ascii: "a"), count: 15) + [UInt8(ascii: "\n")])
        XCTAssertEqual(framer.nextLine(), .line(Array(repeating: UInt8(ascii: "a"), count: 15)))
    }

    func testLineOneByteOverTheLimitIsTooLongAndEverythingAfterIsDropped() {
        var framer = LineFramer(maximumLineBytes: 16)
        framer.append(Array(repeating: UInt8(ascii: "a"), count: 16) + Array("\nping\n".utf8))
        XCTAssertEqual(framer.nextLine(), .tooLong)
        XCTAssertNil(framer.nextLine())
        framer.append(Array("ping\n".utf8))
        XCTAssertNil(framer.nextLine())
        XCTAssertNil(framer.finish())
    }

    func testUnterminatedGarbageBeyondTheLimitIsTooLongWithoutWaitingForANewline() {
        var framer = LineFramer(maximumLineBytes: 16)
        framer.append(Array(repeating: UInt8(ascii: "x"), count: 10))
        XCTAssertNil(framer.nextLine())
        framer.append(Array(repeating: UInt8(ascii: "x"), count: 10))
        XCTAssertEqual(framer.nextLine(), .tooLong)
    }

    func testEmptyInputAtEndIsNoLine() {
        var framer = LineFramer()
        XCTAssertNil(framer.finish())
    }

    func testDefaultRequestLimitIs64KiB() {
        XCTAssertEqual(LineBoundary.maximumRequestLineBytes, 65_536)
    }
}
