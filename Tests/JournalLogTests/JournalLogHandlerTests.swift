import Foundation
import JournalLog
import Logging
import XCTest

final class JournalLogHandlerTests: XCTestCase {
    func testJournalLinesCarryTheSdDaemonPriorityOfTheirLevel() {
        let table: [(Logger.Level, String)] = [
            (.critical, "<2>"), (.error, "<3>"), (.warning, "<4>"), (.notice, "<5>"),
            (.info, "<6>"), (.debug, "<7>"), (.trace, "<7>"),
        ]
        for (level, prefix) in table {
            let lines = CapturedLines()
            lines.logger(format: .journal).log(level: level, "settled")
            XCTAssertEqual(lines.all, ["\(prefix)paymentd: settled\n"], "\(level)")
        }
    }

    func testJournalLinesHaveNoTimestampOfTheirOwn() {
        let lines = CapturedLines()
        lines.logger(format: .journal).warning("balance low", metadata: ["account": "0xab"])
        XCTAssertEqual(lines.all, ["<4>paymentd: balance low account=0xab\n"])
    }

    func testPlainLinesStartWithAnISO8601TimestampAndTheLevelName() throws {
        let lines = CapturedLines()
        let before = Date()
        lines.logger(format: .plain).warning("balance low", metadata: ["account": "0xab"])
        let after = Date()
        let line = try XCTUnwrap(lines.all.first)
        XCTAssertEqual(lines.all.count, 1)
        let pattern = #/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) warning paymentd: balance low account=0xab\n/#
        let match = try XCTUnwrap(line.wholeMatch(of: pattern), line)
        let stamp = try Date(String(match.1), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        XCTAssertGreaterThanOrEqual(stamp, before.addingTimeInterval(-0.001))
        XCTAssertLessThanOrEqual(stamp, after.addingTimeInterval(0.001))
        XCTAssertFalse(line.hasPrefix("<"))
    }

    func testEmbeddedLineBreaksAreEscapedSoOneRecordIsOneLine() {
        let lines = CapturedLines()
        lines.logger(format: .journal).error("first\nsecond\r\nthird\0fourth", metadata: ["detail": "a\nb"])
        XCTAssertEqual(lines.all, [#"<3>paymentd: first\nsecond\r\nthird\0fourth detail="a\nb""# + "\n"])
        XCTAssertEqual(lines.all.first?.filter { $0 == "\n" }.count, 1)
    }

    func testMetadataIsSortedAndTheRecordWinsOverProviderOverHandler() {
        let lines = CapturedLines()
        let provider = Logger.MetadataProvider {
            ["c": "provider", "shared": "provider", "handler_and_provider": "provider"]
        }
        var logger = lines.logger(format: .journal, metadataProvider: provider)
        logger[metadataKey: "b"] = "handler"
        logger[metadataKey: "shared"] = "handler"
        logger[metadataKey: "handler_and_provider"] = "handler"
        logger.info("sent", metadata: ["a": "record", "shared": "record"])
        XCTAssertEqual(lines.all, [
            "<6>paymentd: sent a=record b=handler c=provider handler_and_provider=provider shared=record\n",
        ])
    }

    func testValuesWithSpacesOrQuotesAreQuoted() {
        let lines = CapturedLines()
        lines.logger(format: .journal).info("read", metadata: [
            "path": "/tmp/a b", "quote": #"say "hi""#, "empty": "", "plain": "x=1", "list": ["a", "b"],
        ])
        XCTAssertEqual(lines.all, [
            #"<6>paymentd: read empty="" list="[\"a\", \"b\"]" path="/tmp/a b" plain=x=1 quote="say \"hi\"""# + "\n",
        ])
    }

    struct NodeRefused: Error, CustomStringConvertible {
        var description: String { "node refused" }
    }

    func testAnErrorRecordCarriesItsMessageAndType() {
        let lines = CapturedLines()
        lines.logger(format: .journal).error("failed", error: NodeRefused(), metadata: ["nonce": "7"])
        XCTAssertEqual(lines.all, [
            #"<3>paymentd: failed error.message="node refused" "#
                + "error.type=JournalLogTests.JournalLogHandlerTests.NodeRefused nonce=7\n",
        ])
    }

    func testTheLiveLevelDecidesWhatIsEmittedWhileRunning() {
        let lines = CapturedLines()
        let level = LiveLogLevel(.info)
        let logger = lines.logger(level: level, format: .journal)
        logger.debug("dropped")
        logger.info("kept at info")
        XCTAssertEqual(lines.all, ["<6>paymentd: kept at info\n"])

        level.set(.debug)
        logger.debug("kept at debug")
        XCTAssertEqual(lines.all.last, "<7>paymentd: kept at debug\n")

        level.set(.error)
        logger.warning("dropped at error")
        XCTAssertEqual(lines.all.count, 2)
    }

    func testLoggersOfOneBootstrapShareOneLevel() {
        let lines = CapturedLines()
        let level = LiveLogLevel(.info)
        let factory = JournalLogHandler.bootstrap(level: level, environment: [:], write: { lines.append($0) })
        let engine = Logger(label: "engine", factory: factory)
        var socket = Logger(label: "socket", factory: factory)
        socket.logLevel = .debug
        XCTAssertEqual(level.get(), .debug)
        XCTAssertEqual(engine.logLevel, .debug)
        engine.debug("now visible")
        XCTAssertEqual(lines.all.count, 1)
        XCTAssertTrue(lines.all[0].hasSuffix(" debug engine: now visible\n"), lines.all[0])
    }

    func testBootstrapHandsTheLoggersMetadataProviderToTheHandler() {
        let lines = CapturedLines()
        let factory = JournalLogHandler.bootstrap(
            level: LiveLogLevel(.info), environment: [:], write: { lines.append($0) }
        )
        let provider = Logger.MetadataProvider { ["payment_id": "42"] }
        Logger(label: "engine") { factory($0, provider) }.info("sent")
        XCTAssertTrue(lines.all.first?.hasSuffix(" info engine: sent payment_id=42\n") ?? false, "\(lines.all)")
    }
}
