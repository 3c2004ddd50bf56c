import Foundation
import JSON
import LineProtocolClient
import LineProtocolCodec
import LineProtocolTesting
import PaymentModel
import XCTest

final class PaymentdClientTests: XCTestCase {
    func testTypedCallsRoundTripThroughTheDaemon() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        try await client.ping()
        let version = try await client.version()
        XCTAssertEqual(version, DaemonVersion(protocolVersion: 1, daemon: "test-double 1.0"))
        let enqueued = try await client.enqueue(ProtocolSample.paymentRequest(key: "order-1"))
        XCTAssertEqual(enqueued.status, .pending)
        XCTAssertFalse(enqueued.duplicate)
        let again = try await client.enqueue(ProtocolSample.paymentRequest(key: "order-1"))
        XCTAssertEqual(again, EnqueueResult(paymentID: enqueued.paymentID, status: .pending, duplicate: true))
        let status = try await client.status(paymentID: enqueued.paymentID)
        XCTAssertEqual(status.paymentID, enqueued.paymentID)
        XCTAssertEqual(status.metadata, ["quantity": 1, "recipient": .string(ProtocolSample.payer)])
        let listed = try await client.list(PaymentListFilter(status: .pending, limit: 10))
        XCTAssertEqual(listed.map(\.paymentID), [enqueued.paymentID])
        let cancelled = try await client.cancel(paymentID: enqueued.paymentID)
        XCTAssertEqual(cancelled.status, .failed)
        let retried = try await client.retry(paymentID: enqueued.paymentID)
        XCTAssertEqual(retried.status, .pending)
        let stats = try await client.stats()
        XCTAssertEqual(stats.counts[.pending], 1)
        XCTAssertEqual(stats.signers.first?.nextNonce, 7)
        let settings = try await client.updateSetting(key: "payment_batch_size", value: "50")
        XCTAssertEqual(settings.first { $0.key == "payment_batch_size" }?.value, "50")
        let reread = try await client.settings()
        XCTAssertEqual(reread, settings)
        try await client.stop()
        let stopped = await harness.eventually { await harness.stopRequests.count == 1 }
        XCTAssertTrue(stopped)
        await client.close()
        await harness.stop()
    }

    func testDaemonErrorsKeepTheirCodes() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        do {
            _ = try await client.status(paymentID: "00000000-0000-4000-8000-0000000000ff")
            XCTFail("found a payment that does not exist")
        } catch {
            XCTAssertEqual(error.code, "not_found")
            guard case .remote(let wire) = error else { return XCTFail("not a remote error: \(error)") }
            XCTAssertTrue(wire.message.contains("00000000-0000-4000-8000-0000000000ff"))
        }
        do {
            _ = try await client.enqueue(ProtocolSample.paymentRequest(amount: "5"))
            var mismatched = ProtocolSample.paymentRequest()
            mismatched.amount = "999"
            _ = try await client.enqueue(mismatched)
            XCTFail("the test double refuses a value mismatch")
        } catch {
            XCTAssertEqual(error.code, "value_mismatch")
        }
        do {
            _ = try await client.status(paymentID: "not-a-uuid")
            XCTFail("a bad id was accepted")
        } catch {
            XCTAssertEqual(error, .remote(WireError(code: "invalid_arguments", message: error.description, field: "payment_id")))
        }
        await harness.stop()
    }

    func testConcurrentCallersSharePipelinedConnection() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask { try await client.enqueue(ProtocolSample.paymentRequest(key: "k\(index)")).paymentID }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        XCTAssertEqual(ids.count, 200)
        XCTAssertEqual(harness.server.connectionCount, 1)
        await client.close()
        await harness.stop()
    }

    func testATimedOutCallDoesNotShiftLaterResponsesOntoTheWrongCaller() async throws {
        let harness = try await ServerHarness.start()
        let slow = "00000000-0000-4000-8000-000000000001"
        let fast = "00000000-0000-4000-8000-000000000002"
        await harness.service.insert(ProtocolSample.snapshot(id: slow))
        await harness.service.insert(ProtocolSample.snapshot(id: fast))
        await harness.service.delay(paymentID: slow, by: .milliseconds(500))
        let client = harness.client(requestTimeout: .milliseconds(350))
        do {
            _ = try await client.status(paymentID: slow)
            XCTFail("the slow call did not time out")
        } catch {
            XCTAssertEqual(error, .timedOut)
        }
        let answer = try await client.status(paymentID: fast)
        XCTAssertEqual(answer.paymentID, fast)
        await harness.stop()
    }

    func testTheClientReconnectsAfterTheDaemonRestarts() async throws {
        let first = try await ServerHarness.start()
        let client = first.client()
        try await client.ping()
        await first.stop(removingDirectory: false)
        do {
            try await client.ping()
            XCTFail("pinged a stopped daemon")
        } catch {
            XCTAssertTrue(["connection_closed", "daemon_unreachable"].contains(error.code), "\(error)")
        }
        let second = try await ServerHarness.start(directory: first.directory)
        try await client.ping()
        await second.stop()
    }

    func testNoDaemonIsReportedAsUnreachable() async throws {
        let client = PaymentdClient(socketPath: "/tmp/no-such-paymentd-\(UUID().uuidString.prefix(8)).sock")
        do {
            try await client.ping()
            XCTFail("pinged nothing")
        } catch {
            XCTAssertEqual(error.code, "daemon_unreachable")
        }
    }

    func testWatchDeliversTypedEventsAndEndsWhenDropped() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        do {
            let events = try await client.watch()
            let subscribed = await harness.service.watcherCount
            XCTAssertEqual(subscribed, 1)
            let enqueued = try await client.enqueue(ProtocolSample.paymentRequest())
            var iterator = events.makeAsyncIterator()
            let event = try await iterator.next()
            XCTAssertEqual(event?.paymentID, enqueued.paymentID)
            XCTAssertEqual(event?.status, .pending)
        }
        let unsubscribed = await harness.eventually { await harness.service.watcherCount == 0 }
        XCTAssertTrue(unsubscribed, "dropping the stream must close the watch connection")
        await harness.stop()
    }

    func testWatchWithABadPaymentIDIsRefusedUpFront() async throws {
        let harness = try await ServerHarness.start()
        do {
            _ = try await harness.client().watch(paymentID: "nope")
            XCTFail("watch accepted a bad id")
        } catch {
            XCTAssertEqual(error.code, "invalid_arguments")
        }
        await harness.stop()
    }

    func testResponseObjectForARawLineIsReturnedAsSent() async throws {
        let harness = try await ServerHarness.start()
        let client = harness.client()
        let bare = try await client.responseObject(forLine: "stats")
        XCTAssertEqual(bare["id"], .null)
        let broken = try await client.responseObject(forLine: "{oops")
        XCTAssertEqual(broken["error"]?["code"], "malformed_json")
        try await client.ping()
        await harness.stop()
    }
}
