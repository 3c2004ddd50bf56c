import Foundation
import LineProtocolClient
import TestHarness
import XCTest

/// What the real daemon writes under journald, and its live log level: started as systemd
/// starts it (`JOURNAL_STREAM` naming its standard error), every line carries an sd-daemon(3)
/// priority and no timestamp of its own, so `journalctl -p warning` finds the warnings; the
/// `log_level` setting changes what it logs while it runs.
final class JournalLoggingTests: XCTestCase {
    private static let priorityPrefix = try! NSRegularExpression(pattern: #"^<([0-7])>"#)

    private func priorities(_ lines: [Substring]) -> [Int] {
        lines.compactMap { line in
            let text = String(line)
            guard let match = Self.priorityPrefix.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range(at: 1), in: text) else { return nil }
            return Int(text[range])
        }
    }

    private func completed(_ bed: DaemonTestbed, _ client: PaymentdClient, buyer: Int) async throws -> String {
        let enqueued = try await client.enqueue(try bed.request(buyer: try bed.buyerKey(buyer)))
        try await bed.wait("payment \(enqueued.paymentID) to complete and mint") {
            let payment = try await client.status(paymentID: enqueued.paymentID)
            return payment.status == .completed && !payment.mints.isEmpty && payment.mints.allSatisfy { $0.status == .completed }
        }
        return enqueued.paymentID
    }

    func testUnderJournaldEveryLineHasItsPriorityAndTheLevelIsLive() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(underJournal: true))
        let client = bed.client()

        let first = try await completed(bed, client, buyer: 3)
        var lines = daemon.log().split(separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        XCTAssertEqual(priorities(lines).count, lines.count, "a line without an sd-daemon priority: \(lines.filter { !$0.hasPrefix("<") }.prefix(3))")
        let stamped = try NSRegularExpression(pattern: #"^<[0-7]>\d{4}-\d{2}-\d{2}T"#)
        XCTAssertFalse(lines.contains { line in
            let text = String(line)
            return stamped.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }, "journald stamps lines itself; ours carry no timestamp")
        XCTAssertTrue(lines.contains { $0.hasPrefix("<6>") && $0.contains("payment completed") && $0.contains(first) }, daemon.logTail())
        XCTAssertFalse(priorities(lines).contains(7), "debug lines at the default level info")

        // Warnings only, on every instance, from now on: the next payment's info lines are not written.
        _ = try await client.updateSetting(key: "log_level", value: "warning")
        let quiet = try await completed(bed, client, buyer: 4)
        lines = daemon.log().split(separator: "\n")
        XCTAssertFalse(lines.contains { $0.contains(quiet) }, "logged at level warning: \(lines.filter { $0.contains(quiet) })")

        // Debug: the send loop's batch lines appear, at priority 7.
        _ = try await client.updateSetting(key: "log_level", value: "debug")
        let verbose = try await completed(bed, client, buyer: 5)
        lines = daemon.log().split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("<7>") && $0.contains("batch sent") }, daemon.logTail())
        XCTAssertTrue(lines.contains { $0.hasPrefix("<6>") && $0.contains("payment completed") && $0.contains(verbose) })

        // `default` goes back to the configuration's level (info): no new debug lines.
        _ = try await client.updateSetting(key: "log_level", value: "default")
        let debugLinesBefore = priorities(daemon.log().split(separator: "\n")).filter { $0 == 7 }.count
        let back = try await completed(bed, client, buyer: 6)
        lines = daemon.log().split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("<6>") && $0.contains("payment completed") && $0.contains(back) })
        XCTAssertEqual(priorities(lines).filter { $0 == 7 }.count, debugLinesBefore, "debug lines after log_level default")

        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    func testOutsideTheJournalLinesAreStampedAndHaveNoPriorityPrefix() async throws {
        let bed = try await DaemonTestbed()
        // JOURNAL_STREAM inherited from a parent but naming another file: not journald's stream.
        let daemon = try await bed.startDaemon(.init(environment: ["JOURNAL_STREAM": "1:1"]))
        let lines = daemon.log().split(separator: "\n")
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
        XCTAssertFalse(lines.isEmpty)
        XCTAssertTrue(priorities(lines).isEmpty, "\(lines.prefix(3))")
        let stamped = try NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"#)
        for line in lines {
            let text = String(line)
            XCTAssertNotNil(stamped.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), text)
        }
    }
}
