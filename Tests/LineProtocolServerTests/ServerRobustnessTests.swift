import Foundation
import JSON
import LineProtocolTesting
import TestHarness
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ServerRobustnessTests: XCTestCase {
    func testTwoThousandConcurrentConnectionsAreAllServed() async throws {
        try Self.ensureOpenFileLimit(atLeast: 5000)
        let harness = try await ServerHarness.start()
        let count = 2000
        let clients = try await BlockingWork.run {
            try (0..<count).map { _ in try RawUnixConnection(path: harness.socketPath) }
        }
        let connected = await harness.eventually { harness.server.connectionCount == count }
        XCTAssertTrue(connected, "server holds \(harness.server.connectionCount) of \(count) connections")
        let answers = try await BlockingWork.run {
            for (index, client) in clients.enumerated() { try client.send(line: #"{"id":\#(index),"cmd":"ping"}"#) }
            return try clients.map { try $0.readJSON()?["id"] }
        }
        XCTAssertEqual(answers, (0..<count).map { JSONValue.int(Int64($0)) })
        try await BlockingWork.run { for client in clients { client.shutdownWrite() } }
        let drained = await harness.eventually(seconds: 10) { harness.server.connectionCount == 0 }
        XCTAssertTrue(drained, "\(harness.server.connectionCount) connections left after every client closed")
        withExtendedLifetime(clients) {}
        await harness.stop()
    }

    func testAConnectionBeyondTheLimitIsToldSoAndClosedWhileTheOthersAreServed() async throws {
        let harness = try await ServerHarness.start { $0.maximumConnections = 5 }
        let held = try await BlockingWork.run { try (0..<5).map { _ in try harness.rawClient() } }
        let allHeld = await harness.eventually { harness.server.connectionCount == 5 }
        XCTAssertTrue(allHeld)
        let refused = try await BlockingWork.run { () -> ([JSONValue?], [[UInt8]]) in
            let extra = try harness.rawClient()
            return ([try extra.readJSON()], try extra.readUntilClosed())
        }
        XCTAssertEqual(refused.0.first??["error"]?["code"], "too_many_connections")
        XCTAssertEqual(refused.1, [])
        let pong = try await BlockingWork.run { try held[0].exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true])
        held[1].shutdownWrite()
        let freed = await harness.eventually { harness.server.connectionCount == 4 }
        XCTAssertTrue(freed)
        let newcomer = try await BlockingWork.run { try harness.rawClient().exchange("ping") }
        XCTAssertEqual(newcomer["result"], ["pong": true])
        withExtendedLifetime(held) {}
        await harness.stop()
    }

    func testAHalfClosedConnectionGetsEveryResponseThenIsClosed() async throws {
        let harness = try await ServerHarness.start()
        let first = "00000000-0000-4000-8000-000000000001"
        await harness.service.insert(ProtocolSample.snapshot(id: first))
        await harness.service.delay(paymentID: first, by: .milliseconds(200))
        let client = try harness.rawClient()
        let lines = try await BlockingWork.run { () -> [[UInt8]] in
            try client.send(Array("ping\nstatus \(first)\nstats".utf8))
            client.shutdownWrite()
            return try client.readUntilClosed()
        }
        let responses = try lines.map { try StrictJSONParser.parse($0) }
        XCTAssertEqual(responses.count, 3, "the unterminated last line counts at end of input")
        XCTAssertEqual(responses[1]["result"]?["payment_id"], .string(first))
        XCTAssertEqual(responses[2]["result"]?["counts"]?["sent"], 1)
        let closed = await harness.eventually { harness.server.connectionCount == 0 }
        XCTAssertTrue(closed)
        await harness.stop()
    }

    func testAnAbandonedConnectionWithAPartialLineIsClosedByTheIdleTimeout() async throws {
        let harness = try await ServerHarness.start { $0.idleTimeout = .milliseconds(300) }
        let silent = try harness.rawClient()
        let partial = try harness.rawClient()
        let started = Date()
        let (silentLines, partialLines) = try await BlockingWork.run {
            try partial.send(Array(#"{"id":1,"cmd":"pi"#.utf8))
            return (try silent.readUntilClosed(), try partial.readUntilClosed())
        }
        XCTAssertEqual(silentLines, [])
        XCTAssertEqual(partialLines, [])
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        let released = await harness.eventually { harness.server.connectionCount == 0 }
        XCTAssertTrue(released)
        await harness.stop()
    }

    func testAClientThatVanishesMidRequestDisturbsNobody() async throws {
        let harness = try await ServerHarness.start()
        let slow = "00000000-0000-4000-8000-000000000009"
        await harness.service.insert(ProtocolSample.snapshot(id: slow))
        await harness.service.delay(paymentID: slow, by: .milliseconds(300))
        try await BlockingWork.run {
            let vanishing = try harness.rawClient()
            try vanishing.send(line: "status \(slow)")
        }
        let pong = try await BlockingWork.run { try harness.rawClient().exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true])
        let released = await harness.eventually { harness.server.connectionCount == 0 }
        XCTAssertTrue(released)
        await harness.stop()
    }

    func testAClientThatPipelinesWithoutReadingIsThrottledNotBuffered() async throws {
        let harness = try await ServerHarness.start { $0.maximumPipelinedRequests = 8 }
        let greedy = try harness.rawClient()
        // Far more requests than the window and both socket buffers hold: the server must stop
        // reading instead of queueing them all; the sender blocks (in its own thread).
        let sent = Counter()
        let sender = Task.detached {
            try? await BlockingWork.run {
                let line = Array(#"{"id":1,"cmd":"stats"}"#.utf8) + [UInt8(ascii: "\n")]
                for _ in 0..<20_000 {
                    try greedy.send(line)
                    sent.increment()
                }
            }
        }
        // The one sleep kept here, because "the server is not reading" is no event a test can
        // wait for. It only gives a server that does read without limit the chance to take all
        // 20,000 short lines (a few milliseconds' work), after which the sender would be done.
        // A slow machine can only hide such a server from this check, never fail a correct one.
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertLessThan(sent.value, 20_000, "the server kept reading a client that does not read")
        let pong = try await BlockingWork.run { try harness.rawClient().exchange("ping") }
        XCTAssertEqual(pong["result"], ["pong": true], "one greedy client must not starve the others")
        let drained = try await BlockingWork.run { () -> Int in
            var count = 0
            while count < 20_000, try greedy.readLine() != nil { count += 1 }
            return count
        }
        XCTAssertEqual(drained, 20_000)
        _ = await sender.value
        await harness.stop()
    }

    static func ensureOpenFileLimit(atLeast minimum: rlim_t) throws {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur >= minimum { return }
        limit.rlim_cur = min(max(minimum, limit.rlim_cur), limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try XCTSkipIf(limit.rlim_cur < minimum, "cannot raise the open file limit to \(minimum)")
    }
}

/// A thread-safe counter for a sender thread and the test to share.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: `count` is only touched while holding `lock`.
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
