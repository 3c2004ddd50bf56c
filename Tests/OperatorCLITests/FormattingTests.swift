import OperatorCLI
import XCTest

/// The small formats every view is built from: amounts, durations, hashes, tables.
final class FormattingTests: XCTestCase {
    func testAtomicAmountsReadAsUSDCUnits() {
        XCTAssertEqual(TokenAmount.units("1000000"), "1")
        XCTAssertEqual(TokenAmount.units("1500000"), "1.5")
        XCTAssertEqual(TokenAmount.units("1000"), "0.001")
        XCTAssertEqual(TokenAmount.units("1"), "0.000001")
        XCTAssertEqual(TokenAmount.units("0"), "0")
        XCTAssertEqual(TokenAmount.units("000120"), "0.00012")
        XCTAssertEqual(TokenAmount.units("115792089237316195423570985008687907853269984665640564039457584007913129639935"),
                       "115792089237316195423570985008687907853269984665640564039457584007913129.639935", "any uint256, exactly")
        XCTAssertEqual(TokenAmount.units("2500000000000000000", decimals: 18), "2.5")
        XCTAssertEqual(TokenAmount.units("12ab"), "12ab", "not digits: shown as it is")
        XCTAssertEqual(TokenAmount.display("1000", showAtomic: true), "0.001 (1000)")
        XCTAssertEqual(TokenAmount.display("1000", showAtomic: false), "0.001")
    }

    func testTokenUnitsConvertBackToAtomic() {
        XCTAssertEqual(TokenAmount.atomic(fromUnits: "1.5"), "1500000")
        XCTAssertEqual(TokenAmount.atomic(fromUnits: "0.001"), "1000")
        XCTAssertEqual(TokenAmount.atomic(fromUnits: "2"), "2000000")
        XCTAssertEqual(TokenAmount.atomic(fromUnits: ".5"), "500000")
        XCTAssertNil(TokenAmount.atomic(fromUnits: "0.0000001"), "more decimals than USDC has")
        XCTAssertNil(TokenAmount.atomic(fromUnits: "1,5"))
        XCTAssertNil(TokenAmount.atomic(fromUnits: "."))
        XCTAssertNil(TokenAmount.atomic(fromUnits: "-1"))
    }

    func testDurationsShowTheirTwoLargestUnits() {
        XCTAssertEqual(DurationText.format(0), "0s")
        XCTAssertEqual(DurationText.format(4), "4s")
        XCTAssertEqual(DurationText.format(4.24), "4.2s")
        XCTAssertEqual(DurationText.format(59.6), "1m00s")
        XCTAssertEqual(DurationText.format(133), "2m13s")
        XCTAssertEqual(DurationText.format(3720), "1h02m")
        XCTAssertEqual(DurationText.format(273_600), "3d04h")
        XCTAssertEqual(DurationText.format(-3), "0s", "a clock a little ahead never shows a negative age")
    }

    func testDurationsParseAsOperatorsTypeThem() {
        XCTAssertEqual(DurationText.parse("90"), 90)
        XCTAssertEqual(DurationText.parse("90s"), 90)
        XCTAssertEqual(DurationText.parse("5m"), 300)
        XCTAssertEqual(DurationText.parse("1h30m"), 5400)
        XCTAssertEqual(DurationText.parse("2d"), 172_800)
        XCTAssertEqual(DurationText.parse("1.5s"), 1.5)
        XCTAssertEqual(DurationText.parse(" 60s "), 60)
        for bad in ["", "-5", "5x", "m", "1h30", "+3", "inf", "nan"] {
            XCTAssertNil(DurationText.parse(bad), bad)
        }
    }

    func testHashesAreShortOnATerminalAndWholeInAPipe() {
        let hash = "0x" + String(repeating: "ab", count: 32)
        XCTAssertEqual(HashText.show(hash, style: TerminalStyle(isTerminal: true, colors: false)), "0xabab…abab")
        XCTAssertEqual(HashText.show(hash, style: .plain), hash)
        XCTAssertEqual(HashText.show(nil, style: .plain), "")
    }

    func testTablesAlignColumnsIgnoringColourCodes() {
        var table = TextTable(headers: ["ID", "STATUS", "N"], alignments: [.left, .left, .right])
        table.append(["a", "\u{1B}[32mcompleted\u{1B}[0m", "5"])
        table.append(["bbb", "", "12"])
        XCTAssertEqual(table.render(), """
            ID   STATUS      N
            a    \u{1B}[32mcompleted\u{1B}[0m   5
            bbb  -          12

            """)
    }

    func testColoursOnlyOnATerminalWithoutNoColor() {
        XCTAssertFalse(TerminalStyle(isTerminal: false, colors: true).colors, "never into a pipe")
        XCTAssertEqual(TerminalStyle(isTerminal: true, colors: true).status(.failed), "\u{1B}[31mfailed\u{1B}[0m")
        XCTAssertEqual(TerminalStyle(isTerminal: true, colors: false).status(.failed), "failed")
        // Standard output is not a terminal under the test runner: plain whatever the environment says.
        XCTAssertEqual(TerminalStyle.detect(descriptor: 1, environment: [:]).colors, isatty(1) == 1)
        XCTAssertFalse(TerminalStyle.detect(descriptor: 1, environment: ["NO_COLOR": "1"]).colors)
        XCTAssertFalse(TerminalStyle.detect(descriptor: 1, environment: ["TERM": "dumb"]).colors)
    }

    func testTheSocketFlagWinsThenTheEnvironmentThenTheDefault() {
        XCTAssertEqual(SocketLocation.resolve(flag: "/a.sock", environment: ["PAYMENTD_SOCKET": "/b.sock"]), "/a.sock")
        XCTAssertEqual(SocketLocation.resolve(flag: nil, environment: ["PAYMENTD_SOCKET": "/b.sock"]), "/b.sock")
        XCTAssertEqual(SocketLocation.resolve(flag: nil, environment: ["PAYMENTD_SOCKET": ""]), "/run/paymentd/paymentd.sock")
        XCTAssertEqual(SocketLocation.resolve(flag: nil, environment: [:]), "/run/paymentd/paymentd.sock")
    }
}
