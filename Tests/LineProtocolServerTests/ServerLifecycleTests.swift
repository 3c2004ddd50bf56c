import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import TestHarness
import XCTest

final class ServerLifecycleTests: XCTestCase {
    func testStopIsAnsweredFirstAndThenCallsOnStopOnce() async throws {
        let harness = try await ServerHarness.start()
        let client = try harness.rawClient()
        let responses = try await BlockingWork.run {
            [try client.exchange(#"{"id":"s","cmd":"stop"}"#), try client.exchange("stop")]
        }
        XCTAssertEqual(responses[0], ["id": "s", "ok": true, "result": ["stopping": true]])
        let called = await harness.eventually { await harness.stopRequests.count == 1 }
        XCTAssertTrue(called)
        // Both stops were answered above. Once run() has returned nothing can call onStop any
        // more, so the count read after it is final, not a snapshot taken soon enough.
        await harness.stop()
        let count = await harness.stopRequests.count
        XCTAssertEqual(count, 1, "onStop runs once however many stops arrive")
    }

    func testShutdownFinishesInFlightRequestsAndAnswersThemBeforeClosing() async throws {
        let harness = try await ServerHarness.start()
        addTeardownBlock { await harness.service.releaseHeldCalls() }
        let client = try harness.rawClient()
        let watcher = harness.client()
        let events = try await watcher.watch()
        // The enqueue is held inside the service until shutdown has begun: certainly in flight.
        await harness.service.holdCalls()
        try await BlockingWork.run { try client.send(line: ProtocolSample.enqueueLine(id: "in-flight")) }
        let inFlight = await harness.eventually { await harness.service.heldCallCount == 1 }
        XCTAssertTrue(inFlight, "the enqueue never reached the service")
        harness.server.shutdown()
        await harness.service.releaseHeldCalls()
        let lines = try await BlockingWork.run { try client.readUntilClosed() }
        XCTAssertEqual(lines.count, 1)
        let response = try StrictJSONParser.parse(lines[0])
        XCTAssertEqual(response["id"], "in-flight")
        XCTAssertEqual(response["result"]?["status"], "pending", "the request read before shutdown must complete")
        await harness.waitUntilStopped()
        XCTAssertEqual(harness.server.connectionCount, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.socketPath))
        do {
            for try await _ in events {}
            XCTFail("a watch must end with an error when the daemon closes it")
        } catch {
            XCTAssertEqual((error as? PaymentdClientError)?.code, "connection_closed")
        }
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    func testTheDrainDeadlineClosesConnectionsThatWouldHoldShutdownUp() async throws {
        let harness = try await ServerHarness.start { $0.drainTimeout = .milliseconds(200) }
        addTeardownBlock { await harness.service.releaseHeldCalls() }
        let slow = "00000000-0000-4000-8000-000000000005"
        await harness.service.insert(ProtocolSample.snapshot(id: slow))
        // The status call is held inside the service until the test lets it go, so it cannot
        // finish on its own: only the drain deadline can close this connection. (Without one,
        // the read below fails at the client's 10 s receive timeout.)
        await harness.service.holdCalls()
        let client = try harness.rawClient()
        try await BlockingWork.run { try client.send(line: "status \(slow)") }
        let inFlight = await harness.eventually { await harness.service.heldCallCount == 1 }
        XCTAssertTrue(inFlight, "the status call never reached the service")
        harness.server.shutdown()
        let lines = try await BlockingWork.run { try client.readUntilClosed() }
        XCTAssertEqual(lines, [], "closed at the drain deadline, unanswered")
        let finishedWhenClosed = await harness.service.finishedStatusCalls
        XCTAssertEqual(finishedWhenClosed, [], "the client was let go while its request was still running")
        await harness.service.releaseHeldCalls()
        await harness.waitUntilStopped()
        let finished = await harness.service.finishedStatusCalls
        XCTAssertEqual(finished, [slow], "run() returns only once the request it let go of has finished")
        try? FileManager.default.removeItem(atPath: harness.directory)
    }

    func testWatchAcknowledgesThenStreamsEventsAsLines() async throws {
        let harness = try await ServerHarness.start()
        let watcher = try harness.rawClient()
        let ack = try await BlockingWork.run { try watcher.exchange(#"{"id":"w","cmd":"watch"}"#) }
        XCTAssertEqual(ack, ["id": "w", "ok": true, "result": ["watching": true]])
        let enqueued = try await harness.client().enqueue(ProtocolSample.paymentRequest())
        let event = try await BlockingWork.run { try watcher.readJSON() }
        XCTAssertEqual(event?["id"], "w")
        XCTAssertEqual(event?["event"], "payment")
        XCTAssertEqual(event?["payment_id"], .string(enqueued.paymentID))
        XCTAssertEqual(event?["status"], "pending")
        XCTAssertEqual(event?["tx_hash"], .null)
        XCTAssertNotNil(event?["at"]?.stringValue.flatMap(RFC3339Time.parse))
        XCTAssertNil(event?["ok"])
        watcher.shutdownWrite()
        let rest = try await BlockingWork.run { try watcher.readUntilClosed() }
        XCTAssertEqual(rest, [])
        let unsubscribed = await harness.eventually { await harness.service.watcherCount == 0 }
        XCTAssertTrue(unsubscribed, "closing a watch must end its subscription")
        await harness.stop()
    }

    func testWatchForOnePaymentSkipsTheOthersAndIgnoresFurtherInput() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        let watched = try await client.enqueue(ProtocolSample.paymentRequest(key: "a"))
        let raw = try harness.rawClient()
        let ack = try await BlockingWork.run { try raw.exchange("watch \(watched.paymentID)") }
        XCTAssertEqual(ack["result"], ["watching": true])
        try await BlockingWork.run { try raw.send(line: "ping") }
        _ = try await client.enqueue(ProtocolSample.paymentRequest(key: "b"))
        _ = try await client.cancel(paymentID: watched.paymentID)
        let event = try await BlockingWork.run { try raw.readJSON() }
        XCTAssertEqual(event?["payment_id"], .string(watched.paymentID))
        XCTAssertEqual(event?["status"], "failed")
        XCTAssertEqual(event?["error"], "cancelled by operator")
        await harness.stop()
    }

    func testAWatcherThatStopsReadingIsDisconnectedAfterTheWriteTimeout() async throws {
        let harness = try await ServerHarness.start { $0.watchWriteTimeout = .milliseconds(300) }
        let raw = try harness.rawClient()
        _ = try await BlockingWork.run { try raw.exchange("watch") }
        let big = PaymentEvent(paymentID: "00000000-0000-4000-8000-000000000001", status: .failed, txHash: nil,
                               error: String(repeating: "e", count: 60_000), at: Date())
        for _ in 0..<40 { await harness.service.publish(big) }
        let gone = await harness.eventually(seconds: 5) { harness.server.connectionCount == 0 }
        XCTAssertTrue(gone, "a watcher that does not read must not hold the daemon's memory")
        await harness.stop()
    }

    func testStateChangesQueuedWhenShutdownBeginsAreRefusedWithShuttingDown() async throws {
        let harness = try await ServerHarness.start { $0.drainTimeout = .seconds(5) }
        let slow = "00000000-0000-4000-8000-000000000006"
        addTeardownBlock { await harness.service.releaseHeldCalls() }
        await harness.service.insert(ProtocolSample.snapshot(id: slow, status: .pending))
        await harness.service.holdCalls()
        let raw = try harness.rawClient()
        // The cancel is read at once (one write, with the status) but must wait for the status
        // before it (it changes state); the status is held in the service until shutdown has
        // begun, so by the time the cancel could start, it must not any more.
        try await BlockingWork.run { try raw.send(Array("status \(slow)\ncancel \(slow)\nwatch\n".utf8)) }
        let inFlight = await harness.eventually { await harness.service.heldCallCount == 1 }
        XCTAssertTrue(inFlight, "the status call never reached the service")
        harness.server.shutdown()
        await harness.service.releaseHeldCalls()
        let lines = try await BlockingWork.run { try raw.readUntilClosed() }
        let responses = try lines.map { try StrictJSONParser.parse($0) }
        XCTAssertEqual(responses.count, 3)
        XCTAssertEqual(responses.first?["result"]?["status"], "pending")
        XCTAssertEqual(responses.dropFirst().map { $0["error"]?["code"] }, ["shutting_down", "shutting_down"])
        let mutations = await harness.service.mutatingCalls
        XCTAssertEqual(mutations, 0)
        await harness.waitUntilStopped()
        try? FileManager.default.removeItem(atPath: harness.directory)
    }
}
