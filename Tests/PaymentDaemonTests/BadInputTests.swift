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

/// Bad input against the real daemon: every bad line gets an error or a clean close, the
/// connection (or at least the daemon) keeps serving, and nothing in the database changes.
final class BadInputTests: XCTestCase {
    func testMalformedUnknownAndMistypedRequestsEachGetAnErrorAndChangeNothing() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let before = try bed.stateDigest()

        let buyer = try bed.buyerKey(3)
        let good = try bed.request(buyer: buyer, quantity: 5)
        var badSignature = good
        badSignature.authorization.signature = "0x" + String(repeating: "11", count: 64) + "1b"
        var otherSigner = try bed.request(buyer: try bed.buyerKey(4), quantity: 5)
        otherSigner.authorization.from = buyer.address.checksummed
        var valueMismatch = good
        valueMismatch.amount = "5001"
        // Issue 8, item 6: the daemon's price list, not the caller, decides what items cost.
        var underpriced = good
        underpriced.metadata = ["quantity": 6, "recipient": .string(buyer.address.checksummed)]
        var tooMany = good
        tooMany.metadata = ["quantity": 100, "recipient": .string(buyer.address.checksummed)]
        let expiring = try bed.request(buyer: buyer, quantity: 5, validFor: 5)
        func enqueueLine(_ request: PaymentRequest, id: Int64) -> String {
            String(decoding: ProtocolRequest(id: .int(id), command: .enqueue(request)).line.dropLast(), as: UTF8.self)
        }
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let validEnqueue = enqueueLine(good, id: 100)

        let cases: [(line: [UInt8], code: String, id: JSONValue)] = [
            (Array(#"{"id":1,"cmd":"ping""#.utf8), "malformed_json", .null),
            (Array(#"{"id":2,"cmd":"launch"}"#.utf8), "unknown_command", 2),
            (Array("launch rockets".utf8), "unknown_command", .null),
            (Array(#"{"id":3,"cmd":"status","payment_id":12}"#.utf8), "invalid_arguments", 3),
            (Array(#"{"id":4,"cmd":"list","limit":"ten"}"#.utf8), "invalid_arguments", 4),
            (Array(#"{"id":5,"cmd":"enqueue","payment":"yes"}"#.utf8), "invalid_arguments", 5),
            (Array(validEnqueue.replacingOccurrences(of: #""amount":"5000""#, with: #""amount":5000"#).utf8), "invalid_arguments", 100),
            (Array(#"{"id":6,"cmd":["ping"]}"#.utf8), "invalid_request", 6),
            (Array("null".utf8), "invalid_request", .null),
            (Array(#"{"id":7,"cmd":"p"#.utf8) + [0xFF, 0xFE] + Array(#"ing"}"#.utf8), "malformed_json", .null),
            (Array(#"{"id":8,"cmd":"ping","cmd":"stop"}"#.utf8), "malformed_json", .null),
            (Array(deep.utf8), "malformed_json", .null),
            (Array(#"{"id":1e999,"cmd":"ping"}"#.utf8), "malformed_json", .null),
            (Array(#"{"id":9,"cmd":"settings","action":"set","key":"payment_batch_size","value":["5"]}"#.utf8), "invalid_arguments", 9),
            (Array(enqueueLine(badSignature, id: 10).utf8), "invalid_signature", 10),
            (Array(enqueueLine(otherSigner, id: 11).utf8), "signer_mismatch", 11),
            (Array(enqueueLine(valueMismatch, id: 12).utf8), "value_mismatch", 12),
            (Array(enqueueLine(expiring, id: 13).utf8), "authorization_expiring", 13),
            (Array(enqueueLine(underpriced, id: 16).utf8), "price_mismatch", 16),
            (Array(enqueueLine(tooMany, id: 17).utf8), "quantity_out_of_range", 17),
            (Array(#"{"id":14,"cmd":"settings","action":"set","key":"payment_batch_size","value":"0"}"#.utf8), "invalid_setting_value", 14),
            (Array(#"{"id":15,"cmd":"cancel","payment_id":"00000000-0000-4000-8000-000000000001"}"#.utf8), "not_found", 15),
        ]
        let socketPath = bed.workspace.socketPath
        let problems = try await BlockingWork.run { () -> [String] in
            let connection = try RawUnixConnection(path: socketPath)
            var problems: [String] = []
            for (index, item) in cases.enumerated() {
                try connection.send(item.line + [UInt8(ascii: "\n")])
                guard let response = try connection.readJSON() else {
                    problems.append("case \(index): the connection closed")
                    break
                }
                if response["ok"] != false || response["error"]?["code"]?.stringValue != item.code || response["id"] != item.id {
                    problems.append("case \(index) (\(String(decoding: item.line.prefix(80), as: UTF8.self))): expected \(item.code) with id \(item.id), got \(JSONWriter.string(response))")
                }
                if response["error"]?["message"]?.stringValue?.isEmpty != false {
                    problems.append("case \(index): no message for people")
                }
                let pong = try connection.exchange(#"{"id":"after-\#(index)","cmd":"ping"}"#)
                if pong["result"] != ["pong": true] { problems.append("case \(index): no pong afterwards: \(pong)") }
            }
            return problems
        }
        XCTAssertEqual(problems, [])
        XCTAssertEqual(try bed.stateDigest(), before, "bad requests changed the database")
        XCTAssertTrue(daemon.isRunning)
        await daemon.terminate()
    }

    func testAnOversizedLineIsRefusedAndClosedWhileALineAtTheLimitIsServed() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let socketPath = bed.workspace.socketPath
        try await BlockingWork.run {
            // 65536 bytes including the newline: the largest line there is.
            let atLimit = try RawUnixConnection(path: socketPath)
            let ping = Array(#"{"id":"limit","cmd":"ping"}"#.utf8)
            try atLimit.send(ping + [UInt8](repeating: UInt8(ascii: " "), count: 65_535 - ping.count) + [UInt8(ascii: "\n")])
            XCTAssertEqual(try atLimit.readJSON()?["result"], ["pong": true])
            XCTAssertEqual(try atLimit.exchange("ping")["result"], ["pong": true])

            // 100 KiB: refused with id null, then closed.
            let oversized = try RawUnixConnection(path: socketPath)
            try oversized.send(ping + [UInt8](repeating: UInt8(ascii: " "), count: 102_400 - ping.count) + [UInt8(ascii: "\n")])
            let response = try oversized.readJSON()
            XCTAssertEqual(response?["error"]?["code"], "line_too_long")
            XCTAssertEqual(response?["id"], .null)
            XCTAssertEqual(try oversized.readUntilClosed().count, 0, "the connection closes after line_too_long")

            // 1 MiB without any newline at all: same, without the daemon buffering it.
            let endless = try RawUnixConnection(path: socketPath)
            do {
                try endless.send([UInt8](repeating: UInt8(ascii: "a"), count: 1_048_576))
            } catch {
                // The daemon may close before all of it is written; the answer still came.
            }
            XCTAssertEqual(try endless.readJSON()?["error"]?["code"], "line_too_long")

            XCTAssertEqual(try atLimit.exchange(#"{"id":2,"cmd":"ping"}"#)["result"], ["pong": true], "others are unaffected")
        }
        XCTAssertTrue(daemon.isRunning)
        await daemon.terminate()
    }

    func testAHalfClosedConnectionStillGetsEveryResponse() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let socketPath = bed.workspace.socketPath
        let lines = try await BlockingWork.run { () -> [JSONValue] in
            let connection = try RawUnixConnection(path: socketPath)
            // The last request has no newline: end of input ends it.
            try connection.send(Array(#"{"id":1,"cmd":"ping"}"#.utf8) + [10] + Array(#"{"id":2,"cmd":"stats"}"#.utf8))
            connection.shutdownWrite()
            return try connection.readUntilClosed().map { try StrictJSONParser.parse($0, maximumDepth: 128) }
        }
        XCTAssertEqual(lines.map { $0["id"] }, [1, 2])
        XCTAssertEqual(lines.first?["result"], ["pong": true])
        XCTAssertNotNil(lines.last?["result"]?["counts"]?["pending"]?.intValue)
        XCTAssertTrue(daemon.isRunning)
        await daemon.terminate()
    }

    func testAbandonedAndNonReadingConnectionsDoNotHoldUpAnyoneElse() async throws {
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon()
        let socketPath = bed.workspace.socketPath

        // Half a line, never finished (for now); a connection that says nothing; a connection
        // that pipelines thousands of requests and never reads a response.
        let abandoned = try RawUnixConnection(path: socketPath)
        try abandoned.send(Array(#"{"id":"late","cmd":"pi"#.utf8))
        let silent = try RawUnixConnection(path: socketPath)
        let flooding = try RawUnixConnection(path: socketPath)
        let flood = Task {
            try await BlockingWork.run { () -> Int in
                let line = Array(#"{"cmd":"stats"}"#.utf8) + [10]
                var sent = 0
                var fds = pollfd(fd: flooding.descriptor, events: Int16(POLLOUT), revents: 0)
                // Writes until the socket stays full for a second: the daemon stopped reading it.
                while sent < 20_000, poll(&fds, 1, 1_000) > 0 {
                    let written = line.withUnsafeBytes { send(flooding.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                    if written <= 0 { break }
                    sent += 1
                }
                return sent
            }
        }

        let client = bed.client(timeout: .seconds(30))
        for _ in 0..<20 { try await client.ping() }
        let request = try bed.request(buyer: try bed.buyerKey(5), quantity: 7)
        let enqueued = try await client.enqueue(request)
        try await bed.wait("a payment to complete while the bad connections hang around", seconds: 120) {
            try await client.status(paymentID: enqueued.paymentID).status == .completed
        }
        let flooded = try await flood.value
        XCTAssertGreaterThan(flooded, 64, "the flooding connection should have been able to pipeline past the window")
        try await client.ping()

        // The abandoned line is still whole once finished.
        let late = try await BlockingWork.run { () -> JSONValue? in
            try abandoned.send(Array(#"ng"}"#.utf8) + [10])
            return try abandoned.readJSON()
        }
        XCTAssertEqual(late?["id"], "late")
        XCTAssertEqual(late?["result"], ["pong": true])
        silent.close()
        flooding.close()
        abandoned.close()
        try await client.ping()
        await client.close()
        XCTAssertTrue(daemon.isRunning)
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    func testTwoThousandConcurrentConnectionsEachGetTheirPong() async throws {
        try Self.raiseOpenFileLimit(to: 8_192)
        let bed = try await DaemonTestbed()
        let daemon = try await bed.startDaemon(.init(mode: .socketActivated))
        let socketPath = bed.workspace.socketPath
        let count = 2_000
        let answered = try await BlockingWork.run { () -> Int in
            var connections: [RawUnixConnection] = []
            connections.reserveCapacity(count)
            for _ in 0..<count { connections.append(try RawUnixConnection(path: socketPath, receiveTimeoutSeconds: 60)) }
            for (index, connection) in connections.enumerated() { try connection.send(line: #"{"id":\#(index),"cmd":"ping"}"#) }
            var answered = 0
            for (index, connection) in connections.enumerated() {
                let response = try connection.readJSON()
                if response?["id"] == .int(Int64(index)), response?["result"] == ["pong": true] { answered += 1 }
            }
            for connection in connections { connection.close() }
            return answered
        }
        XCTAssertEqual(answered, count)
        let client = bed.client()
        try await client.ping()
        let stats = try await client.stats()
        XCTAssertEqual(stats.counts[.pending] ?? 0, 0)
        await client.close()
        XCTAssertTrue(daemon.isRunning)
        let status = await daemon.terminate()
        XCTAssertEqual(status, 0, daemon.logTail())
    }

    /// Raises this process's soft RLIMIT_NOFILE (a daemon started afterwards inherits it).
    static func raiseOpenFileLimit(to wanted: rlim_t) throws {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw HarnessError("getrlimit failed") }
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur >= 4_200 else {
            throw HarnessError("cannot raise RLIMIT_NOFILE to \(wanted) (hard limit \(limit.rlim_max))")
        }
    }
}
