import Foundation
import JournalLog
import Logging
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class LogLineFormatDetectionTests: XCTestCase {
    private var pipeEnds: [Int32] = [-1, -1]

    override func setUpWithError() throws {
        XCTAssertEqual(pipe(&pipeEnds), 0)
    }

    override func tearDown() {
        for fd in pipeEnds where fd >= 0 { close(fd) }
    }

    func testAStreamMatchingTheDescriptorIsTheJournal() throws {
        let stream = try journalStream(of: pipeEnds[1])
        XCTAssertEqual(detect(stream, fileDescriptor: pipeEnds[1]), .journal)
    }

    func testAStreamNamingAnotherFileIsNotTheJournal() throws {
        // An inherited JOURNAL_STREAM, the descriptor since redirected elsewhere.
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        let other = try journalStream(of: devNull)
        let (device, inode) = try identity(of: pipeEnds[1])
        for value in [other, "\(device):\(inode &+ 1)", "\(device &+ 1):\(inode)"] {
            XCTAssertEqual(detect(value, fileDescriptor: pipeEnds[1]), .plain, value)
        }
    }

    func testNoStreamIsNotTheJournal() {
        XCTAssertEqual(LogLineFormat.detect(environment: [:], fileDescriptor: pipeEnds[1]), .plain)
        XCTAssertEqual(LogLineFormat.detect(environment: [:], fileDescriptor: -1), .plain)
    }

    func testAMalformedStreamIsNotTheJournalEvenUnchecked() {
        for value in ["", "12", "12:", ":34", "12:34:56", "-12:34", "12:34 ", "a:b"] {
            XCTAssertEqual(detect(value, fileDescriptor: pipeEnds[1]), .plain, value)
            XCTAssertEqual(detect(value, fileDescriptor: -1), .plain, value)
        }
    }

    func testAWellFormedStreamIsTrustedOnlyWhenTheDescriptorCannotBeChecked() {
        XCTAssertEqual(detect("12:34", fileDescriptor: -1), .journal)
        XCTAssertEqual(detect("12:34", fileDescriptor: pipeEnds[1]), .plain)
    }

    func testBootstrapChecksTheStreamAgainstStandardError() throws {
        let matching = try journalStream(of: 2)
        let (device, inode) = try identity(of: 2)
        let table: [(String, Bool)] = [(matching, true), ("\(device):\(inode &+ 1)", false)]
        for (value, isJournal) in table {
            let lines = CapturedLines()
            let factory = JournalLogHandler.bootstrap(
                level: LiveLogLevel(.info), environment: ["JOURNAL_STREAM": value], write: { lines.append($0) }
            )
            Logger(label: "paymentd", factory: factory).warning("balance low")
            let line = lines.all.first ?? ""
            if isJournal {
                XCTAssertEqual(line, "<4>paymentd: balance low\n", value)
            } else {
                XCTAssertTrue(line.hasSuffix("Z warning paymentd: balance low\n"), "\(value): \(line)")
            }
        }
    }

    private func detect(_ journalStream: String, fileDescriptor: Int32) -> LogLineFormat {
        LogLineFormat.detect(environment: ["JOURNAL_STREAM": journalStream], fileDescriptor: fileDescriptor)
    }

    private func identity(of fd: Int32) throws -> (UInt64, UInt64) {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw POSIXError(.EBADF) }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    private func journalStream(of fd: Int32) throws -> String {
        let (device, inode) = try identity(of: fd)
        return "\(device):\(inode)"
    }
}
