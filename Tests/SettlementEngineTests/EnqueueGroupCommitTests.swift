import Ethereum
import Foundation
import PaymentModel
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
        // Spent on chain before it is offered.
        let spent = try testbed.request(buyer: try testbed.buyerKey(3), idempotencyKey: "spent")
        try await FrontRunner(testbed: testbed).relay(spent)

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
        let results = await withTaskGroup(of: (Int, Result<EnqueueResult, PaymentError>).self) { group in
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
}
