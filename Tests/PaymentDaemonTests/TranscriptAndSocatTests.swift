import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The protocol as its documents show it, against the real daemon: every transcript in
/// `protocol/transcripts` replayed (the admin ones as root, `non_admin.jsonl` as uid 65534 over
/// `socat`), and bare words typed through a real `socat` the way people use it.
final class TranscriptAndSocatTests: XCTestCase {
    static let transcriptDirectory = PaymentdWorkspace.repositoryRoot + "/protocol/transcripts"

    func testEveryProtocolTranscriptReplaysAgainstTheRealDaemon() async throws {
        try XCTSkipUnless(getuid() == 0, "replaying non_admin.jsonl needs root to run a client as another uid")
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let client = bed.client()
        try await bed.allowManyPendingPayments(client)
        await client.close()
        // With socket activation the socket's mode and group are the unit's (SocketMode=,
        // SocketGroup=); opening it to everyone stands in for a group the test user is in.
        chmod(bed.workspace.socketPath, 0o666)

        let names = try FileManager.default.contentsOfDirectory(atPath: Self.transcriptDirectory).filter { $0.hasSuffix(".jsonl") }
        XCTAssertEqual(Set(names), ["admin.jsonl", "basics.jsonl", "errors.jsonl", "non_admin.jsonl", "payments.jsonl", "prices.jsonl", "stop.jsonl", "watch.jsonl"],
                       "a new transcript needs a place in this replay")
        // stop.jsonl ends the daemon: last.
        let ordered = names.filter { $0 != "stop.jsonl" }.sorted() + ["stop.jsonl"]

        let buyer = try bed.buyerKey(7)
        let request = try bed.request(buyer: buyer, idempotencyKey: "transcript-\(UUID().uuidString)")
        let bindings: [String: JSONValue] = [
            "payer": .string(buyer.address.checksummed),
            "token": .string(try bed.mintToken.checksummed),
            "payment_token": .string(try bed.usdc.checksummed),
            "amount": .string(request.amount),
            "authorization": request.wirePayment["authorization"] ?? .null,
            "idempotency_key": .string(request.idempotencyKey ?? ""),
            "unit_price": .string(String(PaymentdWorkspace.unitPrice)),
            "max_quantity": .int(Int64(PaymentdWorkspace.maxQuantity)),
        ]
        let socketPath = bed.workspace.socketPath
        for name in ordered {
            let text = try String(contentsOfFile: Self.transcriptDirectory + "/" + name, encoding: .utf8)
            let transcript = try Transcript(jsonLines: text)
            let matcher = TranscriptMatcher(bindings: transcript.sampleBindings.merging(bindings) { $1 })
            let problems: [String]
            switch transcript.peer {
            case .admin:
                problems = try await BlockingWork.run { try Self.replay(transcript, matcher: matcher, socketPath: socketPath) }
            case .nonAdmin:
                problems = try await BlockingWork.run { try Self.replayAsNobody(transcript, matcher: matcher, socketPath: socketPath) }
            }
            XCTAssertEqual(problems, [], name)
        }
        try await daemon.notifications.waitFor("STOPPING=1", timeout: 60)
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    func testBareWordsThroughSocatAnswerOneJSONLineEach() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let path = bed.workspace.socketPath
        let socat = try Self.socatPath()

        // Exactly what people type.
        let piped = try await BlockingWork.run {
            try ChildProcess.run("/bin/sh", ["-c", "echo stats | \(socat) - UNIX-CONNECT:'\(path)'"])
        }
        XCTAssertEqual(piped.status, 0, piped.description)
        let lines = piped.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, piped.stdout)
        let stats = try StrictJSONParser.parse(String(lines.first ?? ""))
        XCTAssertEqual(stats["ok"], true)
        XCTAssertEqual(stats["id"], .null)
        XCTAssertNotNil(stats["result"]?["counts"]?["completed"]?.intValue, piped.stdout)

        let words = ["ping", "version", "stats", "list", "list pending 5", "settings", "settings get",
                     "settings set payment_batch_size 60", "  ping \r"]
        for word in words {
            let output = try await Self.socat(word + "\n", path: path)
            let lines = output.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(word): \(output)")
            let response = try StrictJSONParser.parse(String(lines.first ?? ""))
            XCTAssertEqual(response["ok"], true, "\(word): \(output)")
            XCTAssertEqual(response["id"], .null, word)
        }
        let setting = try await bed.client().settings().first { $0.key == "payment_batch_size" }
        XCTAssertEqual(setting?.value, "60", "settings set over socat took effect")

        // Several words in one socat run: one line each, in order; errors are JSON lines too.
        let many = try await Self.socat("ping\nstatus 00000000-0000-4000-8000-000000000001\nlaunch\nversion\n", path: path)
        let responses = try many.split(separator: "\n").map { try StrictJSONParser.parse(String($0)) }
        XCTAssertEqual(responses.map { $0["ok"] }, [true, false, false, true], many)
        XCTAssertEqual(responses.map { $0["error"]?["code"] }, [nil, "not_found", "unknown_command", nil], many)

        // `echo watch | socat …` prints the acknowledgement and returns at end of input.
        let watch = try await Self.socat("watch\n", path: path)
        XCTAssertEqual(try StrictJSONParser.parse(String(watch.split(separator: "\n").first ?? ""))["result"], ["watching": true], watch)

        let stop = try await Self.socat("stop\n", path: path)
        XCTAssertEqual(try StrictJSONParser.parse(String(stop.split(separator: "\n").first ?? ""))["result"], ["stopping": true], stop)
        try await daemon.notifications.waitFor("STOPPING=1", timeout: 60)
        let status = try await daemon.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, daemon.logTail())
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a daemon that bound its socket removes it at exit")
    }

    func testAdminCommandsFollowTheKernelReportedUIDOfThePeer() async throws {
        try XCTSkipUnless(getuid() == 0, "needs root to run a client as another uid")
        let bed = try await DaemonTestbed()
        // Not an admin: uid 65534 is refused every admin command, served every read.
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        chmod(bed.workspace.socketPath, 0o666)
        let refused = try await Self.socatAsNobody("ping\nsettings set payment_batch_size 7\ncancel 00000000-0000-4000-8000-000000000001\nstop\n",
                                                   path: bed.workspace.socketPath)
        let answers = try refused.split(separator: "\n").map { try StrictJSONParser.parse(String($0)) }
        XCTAssertEqual(answers.map { $0["error"]?["code"] }, [nil, "permission_denied", "permission_denied", "permission_denied"], refused)
        XCTAssertTrue(answers.last?["error"]?["message"]?.stringValue?.contains("65534") == true, refused)
        XCTAssertTrue(daemon.isRunning, "a refused stop stops nothing")
        await daemon.terminate()

        // Listed in admin_uids: the same uid may.
        let configured = try bed.workspace.writeConfig(named: "admins.conf", overrides: ["admin_uids": "65534"])
        let admitted = try await bed.startDaemon(.init(mode: .socketActivated, arguments: ["--config", configured]))
        chmod(bed.workspace.socketPath, 0o666)
        let allowed = try await Self.socatAsNobody("settings set payment_batch_size 7\ncancel 00000000-0000-4000-8000-000000000001\n",
                                                   path: bed.workspace.socketPath)
        let results = try allowed.split(separator: "\n").map { try StrictJSONParser.parse(String($0)) }
        XCTAssertEqual(results.map { $0["ok"] }, [true, false], allowed)
        XCTAssertEqual(results.last?["error"]?["code"], "not_found", allowed)
        let stop = try await Self.socatAsNobody("stop\n", path: bed.workspace.socketPath)
        XCTAssertTrue(stop.contains(#""stopping":true"#), stop)
        let status = try await admitted.waitForExit(timeout: 90)
        XCTAssertEqual(status, 0, admitted.logTail())
    }

    // MARK: Replaying

    /// Sends each request on one connection and compares each response.
    static func replay(_ transcript: Transcript, matcher start: TranscriptMatcher, socketPath: String) throws -> [String] {
        var matcher = start
        let connection = try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: 30)
        var problems: [String] = []
        var watching = false
        for exchange in transcript.exchanges {
            let context = "line \(exchange.sourceLine)"
            try connection.send(exchange.requestBytes(using: matcher) + [UInt8(ascii: "\n")])
            guard let expected = exchange.response else { continue }
            guard let actual = try connection.readJSON() else {
                problems.append("\(context): the connection closed instead of answering")
                break
            }
            problems += matcher.match(actual, against: expected).map { "\(context): \($0)" }
            if actual["result"]?["watching"] == true { watching = true }
            if exchange.closesConnection, try connection.readLine() != nil {
                problems.append("\(context): the connection stayed open")
            }
        }
        if watching {
            // Requests after `watch` get no response; only event lines may follow.
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(connection.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while let line = try? connection.readLine() {
                let value = try StrictJSONParser.parse(line, maximumDepth: 128)
                if value["event"] == nil { problems.append("a watching connection answered a request: \(JSONWriter.string(value))") }
            }
        }
        return problems
    }

    /// Sends every request through `socat` running as uid/gid 65534 and compares the lines it
    /// printed with the expected responses, in order.
    static func replayAsNobody(_ transcript: Transcript, matcher start: TranscriptMatcher, socketPath: String) throws -> [String] {
        var matcher = start
        let input = transcript.exchanges.map { String(decoding: $0.requestBytes(using: matcher), as: UTF8.self) + "\n" }.joined()
        let output = try socatAsNobodyBlocking(input, path: socketPath)
        let lines = output.split(separator: "\n")
        let expected = transcript.exchanges.filter { $0.response != nil }
        var problems: [String] = []
        if lines.count != expected.count { problems.append("\(expected.count) responses expected, socat printed:\n\(output)") }
        for (exchange, line) in zip(expected, lines) {
            guard let actual = try? StrictJSONParser.parse(String(line)) else {
                problems.append("line \(exchange.sourceLine): not JSON: \(line)")
                continue
            }
            problems += matcher.match(actual, against: exchange.response ?? .null).map { "line \(exchange.sourceLine): \($0)" }
        }
        return problems
    }

    // MARK: socat

    static func socatPath() throws -> String {
        try TCPProxy.socatPath()
    }

    /// `printf INPUT | socat -t 5 - UNIX-CONNECT:path`: what it printed.
    static func socat(_ input: String, path: String) async throws -> String {
        let socat = try socatPath()
        let output = try await BlockingWork.run { try ChildProcess.run(socat, ["-t", "5", "-", "UNIX-CONNECT:\(path)"], input: input) }
        XCTAssertEqual(output.status, 0, output.description)
        return output.stdout
    }

    static func socatAsNobody(_ input: String, path: String) async throws -> String {
        try await BlockingWork.run { try socatAsNobodyBlocking(input, path: path) }
    }

    static func socatAsNobodyBlocking(_ input: String, path: String) throws -> String {
        let socat = try socatPath()
        let output = try ChildProcess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", socat, "-t", "5", "-",
                                                                "UNIX-CONNECT:\(path)"], input: input)
        guard output.status == 0 else { throw HarnessError("socat as uid 65534 failed: \(output)") }
        return output.stdout
    }
}
