import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest

/// Thousands of random and mutated lines against the real daemon over several connections at
/// once: each gets at most one answer (an error, or a read's result) or, for an oversized line,
/// `line_too_long` and a close; the daemon keeps answering and the database does not change.
final class FuzzTests: XCTestCase {
    struct WorkerReport: Sendable {
        var problems: [String] = []
        var responses = 0
        var errorCodes: [String: Int] = [:]
        var reconnects = 0
    }

    func testThousandsOfRandomAndMutatedLinesChangeNothingAndTheDaemonKeepsAnswering() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let client = bed.client()

        // One real payment, settled: mutations of its enqueue line that still parse are refused
        // (signature, duplicate, authorization already used), never queued.
        let request = try bed.request(buyer: try bed.buyerKey(6), quantity: 4, idempotencyKey: "fuzz-template")
        let payment = try await client.enqueue(request)
        try await bed.wait("the template payment and its mint to complete", seconds: 120) {
            let snapshot = try await client.status(paymentID: payment.paymentID)
            return snapshot.status == .completed && !snapshot.mints.isEmpty && snapshot.mints.allSatisfy { $0.status == .completed }
        }
        let id = payment.paymentID
        let templates: [[UInt8]] = [
            ProtocolRequest(id: 1, command: .enqueue(request)).line.dropLast(),
            ProtocolRequest(id: "two", command: .status(paymentID: id)).line.dropLast(),
            ProtocolRequest(id: 3, command: .list(PaymentListFilter(status: .completed, limit: 5))).line.dropLast(),
            ProtocolRequest(id: 4, command: .stats).line.dropLast(),
            ProtocolRequest(id: 5, command: .settingsGet).line.dropLast(),
            ProtocolRequest(id: 6, command: .version).line.dropLast(),
            ProtocolRequest(id: 7, command: .settingsSet(key: "payment_batch_size", value: "7")).line.dropLast(),
            ProtocolRequest(id: 8, command: .cancel(paymentID: id)).line.dropLast(),
            Array("status \(id)".utf8), Array("list completed 3".utf8), Array("settings get".utf8),
        ].map { Array($0) }

        // Quiet before measuring: nothing may still be settling. A guard, not a synchronisation:
        // the payment and its mint were waited for above, and no event says "nothing more will
        // be written"; the pause only gives a straggling write the chance to show up here,
        // where it is named, instead of in the fuzz comparison below.
        let before = try bed.stateDigest()
        try await Task.sleep(for: .seconds(1.5))
        XCTAssertEqual(try bed.stateDigest(), before, "the database is still changing; the fuzz comparison would mean nothing")

        let seed = ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("FuzzTests seed \(seed) (set FUZZ_SEED to replay)")
        var generator = FuzzLines(random: SplitMix64(seed: seed), templates: templates)
        let workers = 4
        let perWorker = 800
        let batches = (0..<workers).map { _ in (0..<perWorker).map { _ in generator.next() } }
        let socketPath = bed.workspace.socketPath
        let reports = try await withThrowingTaskGroup(of: WorkerReport.self) { group in
            for (worker, lines) in batches.enumerated() {
                group.addTask { try await BlockingWork.run { try Self.replay(lines, worker: worker, socketPath: socketPath) } }
            }
            var reports: [WorkerReport] = []
            for try await report in group { reports.append(report) }
            return reports
        }
        let problems = reports.flatMap(\.problems)
        XCTAssertEqual(Array(problems.prefix(20)), [], "\(problems.count) problems (seed \(seed))")
        var codes: [String: Int] = [:]
        for report in reports { codes.merge(report.errorCodes, uniquingKeysWith: +) }
        print("FuzzTests: \(workers * perWorker) lines, \(reports.map(\.responses).reduce(0, +)) responses, "
              + "\(reports.map(\.reconnects).reduce(0, +)) closes after oversized lines, codes \(codes.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(codes["malformed_json"] ?? 0, 100, "seed \(seed)")
        XCTAssertGreaterThan(codes["invalid_arguments"] ?? 0, 10, "seed \(seed)")

        try await client.ping()
        XCTAssertTrue(daemon.isRunning, daemon.logTail())
        XCTAssertEqual(try bed.stateDigest(), before, "the fuzz changed the database (seed \(seed))")
        let stats = try await client.stats()
        XCTAssertEqual(stats.counts[.completed], 1)
        await client.close()
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    /// Sends each line followed by a sentinel ping and reads up to the sentinel's pong, so
    /// every line's answers are known exactly; reconnects after an oversized line.
    static func replay(_ lines: [[UInt8]], worker: Int, socketPath: String) throws -> WorkerReport {
        var report = WorkerReport()
        var connection = try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: 30)
        for (index, line) in lines.enumerated() {
            let oversized = line.count + 1 > LineBoundary.maximumRequestLineBytes
            let sentinel = JSONValue.string("s-\(worker)-\(index)")
            let shown = String(decoding: line.prefix(120), as: UTF8.self).debugDescription
            do {
                try connection.send(line + [10] + ProtocolRequest(id: sentinel, command: .ping).line)
            } catch {
                if !oversized { report.problems.append("worker \(worker) line \(index) \(shown): send failed: \(error)") }
            }
            var answers: [JSONValue] = []
            var closed = false
            while true {
                let raw: [UInt8]?
                do {
                    raw = try connection.readLine()
                } catch {
                    report.problems.append("worker \(worker) line \(index) \(shown): \(error)")
                    return report
                }
                guard let raw else {
                    closed = true
                    break
                }
                guard let value = try? StrictJSONParser.parse(raw, maximumDepth: 256) else {
                    report.problems.append("worker \(worker) line \(index): a response is not JSON: \(String(decoding: raw.prefix(200), as: UTF8.self))")
                    continue
                }
                if value["id"] == sentinel {
                    if value["result"] != ["pong": true] { report.problems.append("worker \(worker) line \(index): sentinel got \(JSONWriter.string(value))") }
                    break
                }
                answers.append(value)
            }
            report.responses += answers.count
            for answer in answers {
                if answer["ok"] == false {
                    guard let code = answer["error"]?["code"]?.stringValue, !code.isEmpty else {
                        report.problems.append("worker \(worker) line \(index): an error without a code: \(JSONWriter.string(answer))")
                        continue
                    }
                    report.errorCodes[code, default: 0] += 1
                    if code == "internal_error" {
                        report.problems.append("worker \(worker) line \(index) \(shown): internal_error \(JSONWriter.string(answer))")
                    }
                } else if answer["ok"] != true || answer["result"] == nil {
                    report.problems.append("worker \(worker) line \(index): not a response: \(JSONWriter.string(answer))")
                }
            }
            if oversized {
                if !closed || answers.map({ $0["error"]?["code"] }) != ["line_too_long"] {
                    report.problems.append("worker \(worker) line \(index): an oversized line got \(answers.map(JSONWriter.string)), closed: \(closed)")
                }
            } else if closed {
                report.problems.append("worker \(worker) line \(index) \(shown): the daemon closed the connection")
            } else if answers.count > 1 {
                report.problems.append("worker \(worker) line \(index) \(shown): \(answers.count) answers to one line")
            }
            if closed {
                connection = try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: 30)
                report.reconnects += 1
            }
        }
        return report
    }
}
