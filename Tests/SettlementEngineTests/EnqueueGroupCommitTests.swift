import Ethereum
import Foundation
import JSON
import PaymentModel
import PaymentStore
@testable import SettlementEngine
import XCTest

/// Hundreds of concurrent enqueues through the engine's group commits: each answered as it
/// would be alone (new, the same request again, the same authorization under another key,
/// already used on chain), and the queue holds each authorization once.
final class EnqueueGroupCommitTests: XCTestCase {
    func testConcurrentRequestsAreAnsweredEachAsAlone() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.reloadSettings()  // the testbed's max_pending_per_payer, without starting the loops
        var fresh: [PaymentRequest] = []
        for i in 0..<240 { fresh.append(try testbed.request(buyer: try testbed.buyerKey(i % 8), idempotencyKey: "order-\(i)")) }
        // Spent on chain, by a transfer that did not pay us, before it is offered.
        let spent = try testbed.request(buyer: try testbed.buyerKey(3), idempotencyKey: "spent")
        try await FrontRunner(testbed: testbed).relay(try testbed.request(buyer: try testbed.buyerKey(3), to: try testbed.buyerKey(3).address,
                                                                          nonce: try Bytes32(hex: spent.authorization.nonce)))

        // Every fresh request, some again with the same key, some under another key.
        var requests = fresh
        for i in stride(from: 0, to: 240, by: 12) {
            requests.append(fresh[i])
            var other = fresh[i + 1]
            other.idempotencyKey = "other-\(i)"
            requests.append(other)
        }
        requests.append(spent)
        requests.shuffle()
        let results = await Self.enqueueAtOnce(requests, testbed)

        // Per authorization: whichever request came first queued it; the same request again
        // answers with that payment, the same authorization under another key is refused.
        let byAuthorization = Dictionary(grouping: requests.indices.filter { requests[$0].idempotencyKey != "spent" }) {
            requests[$0].authorization.nonce
        }
        XCTAssertEqual(byAuthorization.count, 240)
        for (nonce, indices) in byAuthorization {
            let winners = indices.compactMap { index -> (Int, EnqueueResult)? in
                if case .success(let result) = results[index]!, !result.duplicate { return (index, result) }
                return nil
            }
            guard winners.count == 1, let (winnerIndex, winner) = winners.first else {
                XCTFail("authorization \(nonce): \(winners.count) requests queued it")
                continue
            }
            for index in indices where index != winnerIndex {
                switch results[index]! {
                case .success(let again) where requests[index].idempotencyKey == requests[winnerIndex].idempotencyKey:
                    XCTAssertEqual(again.paymentID, winner.paymentID)
                    XCTAssertTrue(again.duplicate)
                case .failure(.duplicateAuthorization(let existing)) where requests[index].idempotencyKey != requests[winnerIndex].idempotencyKey:
                    XCTAssertEqual(existing, winner.paymentID)
                case let other:
                    XCTFail("\(requests[index].idempotencyKey!) after \(requests[winnerIndex].idempotencyKey!) queued it: \(other)")
                }
            }
        }
        let spentIndex = try XCTUnwrap(requests.firstIndex { $0.idempotencyKey == "spent" })
        guard case .failure(let refusal) = results[spentIndex]! else { return XCTFail("a spent authorization was queued") }
        XCTAssertEqual(refusal.code, "authorization_already_used")
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 240)
    }

    /// Issue 16, scenario 6: a request PostgreSQL cannot store (U+0000 in any text it keeps) is
    /// refused alone before it reaches a group commit, naming the field; the valid requests sent
    /// with it are each queued.
    func testARequestPostgreSQLCannotStoreIsRefusedAloneAndTheOthersAreQueued() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.reloadSettings()
        var requests: [PaymentRequest] = []
        for i in 0..<32 { requests.append(try testbed.request(buyer: try testbed.buyerKey(i % 8), idempotencyKey: "nul-ok-\(i)")) }
        var badValue = try testbed.request(buyer: try testbed.buyerKey(1), idempotencyKey: "nul-value")
        badValue.metadata = Self.adding("note", .string("a\u{0}b"), to: badValue.metadata)
        var badKey = try testbed.request(buyer: try testbed.buyerKey(2), idempotencyKey: "nul-name")
        badKey.metadata = Self.adding("n\u{0}", .string("x"), to: badKey.metadata)
        var badNested = try testbed.request(buyer: try testbed.buyerKey(3), idempotencyKey: "nul-nested")
        badNested.metadata = Self.adding("items", .array([.object(["sku": .string("\u{0}")])]), to: badNested.metadata)
        let badIdempotencyKey = try testbed.request(buyer: try testbed.buyerKey(4), idempotencyKey: "nul\u{0}key")
        let bad: [(request: PaymentRequest, field: String)] = [
            (badValue, "payment.metadata.note"), (badKey, "payment.metadata"), (badNested, "payment.metadata.items[0].sku"),
            (badIdempotencyKey, "idempotency_key"),
        ]
        let all = requests + bad.map(\.request)
        let results = await Self.enqueueAtOnce(all, testbed)
        for index in requests.indices {
            guard case .success(let result) = results[index]! else { XCTFail("\(all[index].idempotencyKey!): \(results[index]!)"); continue }
            XCTAssertFalse(result.duplicate)
        }
        for (offset, (request, field)) in bad.enumerated() {
            guard case .failure(.invalidRequest(let named, let reason)) = results[requests.count + offset]! else {
                XCTFail("\(request.idempotencyKey!.debugDescription): \(results[requests.count + offset]!)")
                continue
            }
            XCTAssertEqual(named, field)
            XCTAssertTrue(reason.contains("U+0000"), reason)
        }
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 32)
    }

    /// No request can fail the others in its group commit: a row the database refuses (planted
    /// past the offline check) fails alone, and the batch's other rows are queued.
    func testARowTheDatabaseRefusesFailsAloneInItsBatch() async throws {
        let testbed = try await EngineTestbed()
        try await testbed.engine.reloadSettings()
        var rows: [NewPayment] = []
        for i in 0..<7 {
            let request = try testbed.request(buyer: try testbed.buyerKey(i % 8), idempotencyKey: "batch-\(i)")
            rows.append(try testbed.engine.offline.check(request, settings: testbed.engine.settings.current,
                                                         prices: testbed.engine.livePrices.current, now: Date()).row)
        }
        rows[4].metadata = Self.adding("note", .string("\u{0}"), to: rows[4].metadata)
        let answers = await testbed.engine.queue(rows)
        XCTAssertEqual(answers.count, 7)
        for (index, answer) in answers.enumerated() {
            switch answer {
            case .success(let queued) where index != 4:
                guard case .inserted = queued.outcome else { XCTFail("row \(index): \(queued.outcome)"); continue }
            case .failure(let error) where index == 4:
                XCTAssertEqual(error.code, "database_error")
            default:
                XCTFail("row \(index): \(answer)")
            }
        }
        XCTAssertEqual(try testbed.database().query("SELECT count(*) AS n FROM payment_queue").first!.int64("n"), 6)

        // The same in the first stage: a key the database refuses fails only its own lookup.
        var checked: [CheckedPayment] = []
        for i in 0..<3 {
            let request = try testbed.request(buyer: try testbed.buyerKey(i), idempotencyKey: "screen-\(i)")
            checked.append(try testbed.engine.offline.check(request, settings: testbed.engine.settings.current,
                                                            prices: testbed.engine.livePrices.current, now: Date()))
        }
        checked[1].row.idempotencyKey = "screen\u{0}"
        let screened = await testbed.engine.screen(checked)
        for (index, screening) in screened.enumerated() {
            switch screening {
            case .unused where index != 1: break
            case .refused(let error) where index == 1: XCTAssertEqual(error.code, "database_error")
            default: XCTFail("screening \(index): \(screening)")
            }
        }
    }

    private static func adding(_ key: String, _ value: JSONValue, to metadata: JSONValue?) -> JSONValue {
        guard case .object(var fields) = metadata ?? .object([:]) else { return metadata ?? .null }
        fields[key] = value
        return .object(fields)
    }

    /// Every request enqueued concurrently; each answer by the request's index.
    private static func enqueueAtOnce(_ requests: [PaymentRequest], _ testbed: EngineTestbed) async -> [Int: Result<EnqueueResult, PaymentError>] {
        await withTaskGroup(of: (Int, Result<EnqueueResult, PaymentError>).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    do throws(PaymentError) {
                        return (index, .success(try await testbed.engine.enqueue(request)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<EnqueueResult, PaymentError>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
    }
}
