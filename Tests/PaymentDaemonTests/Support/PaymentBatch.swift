import Ethereum
import Foundation
import LineProtocolClient
import PaymentModel
import XCTest

/// Many buyer-signed payments with idempotency keys, and the checks that they all settled
/// exactly once: every row completed, one mint per payment, every dedupe hash minted on-chain,
/// and balances that grew by exactly what was paid and bought.
struct PaymentBatch: Sendable {
    let requests: [PaymentRequest]
    let receiverBalanceBefore: UInt256
    let mintedBefore: UInt256

    /// `count` payments of one item each at the configured price, spread over every devchain
    /// buyer. Balances are read now, so build the batch after the pool drained and before any
    /// daemon runs.
    init(_ bed: DaemonTestbed, count: Int) throws {
        let run = UUID().uuidString.prefix(8)
        requests = try (0..<count).map { index in
            try bed.request(buyer: try bed.buyerKey(index), idempotencyKey: "batch-\(run)-\(index)")
        }
        receiverBalanceBefore = try bed.usdcBalance(try bed.receiver)
        mintedBefore = try bed.mintedToBuyers()
    }

    /// A part of `batch` (same balances before), to enqueue in steps.
    init(_ batch: PaymentBatch, range: Range<Int>) {
        requests = Array(batch.requests[range])
        receiverBalanceBefore = batch.receiverBalanceBefore
        mintedBefore = batch.mintedBefore
    }

    var totalAmount: UInt256 {
        requests.reduce(UInt256(0)) { $0 + UInt256(decimal: $1.amount)! }
    }

    /// Enqueues every request over `client`, `parallel` at a time (pipelined on its
    /// connection); returns how many were acknowledged. Failures (a daemon that died or is
    /// stopping) are counted, not thrown: the same idempotency keys are enqueued again later.
    @discardableResult
    func enqueueAll(_ client: PaymentdClient, parallel: Int = 16) async -> (acknowledged: Int, failures: [String]) {
        var acknowledged = 0
        var failures: [String] = []
        for start in stride(from: 0, to: requests.count, by: parallel) {
            let slice = requests[start..<min(start + parallel, requests.count)]
            let results = await withTaskGroup(of: String?.self) { group in
                for request in slice {
                    group.addTask {
                        do {
                            _ = try await client.enqueue(request)
                            return nil
                        } catch {
                            return (error as? PaymentdClientError)?.code ?? "\(error)"
                        }
                    }
                }
                var collected: [String?] = []
                for await result in group { collected.append(result) }
                return collected
            }
            for result in results {
                if let result { failures.append(result) } else { acknowledged += 1 }
            }
        }
        return (acknowledged, failures)
    }

    /// Waits until every payment of the batch is completed with its mint completed.
    func waitUntilSettled(_ bed: DaemonTestbed, seconds: Double = 240) async throws {
        try await bed.wait("all \(requests.count) payments and their mints to complete", seconds: seconds) {
            let conn = try bed.database()
            defer { conn.close() }
            let row = try conn.query("""
                SELECT (SELECT count(*) FROM payment_queue WHERE status = 'completed') AS payments,
                       (SELECT count(*) FROM mint_queue WHERE status = 'completed') AS mints
                """).first
            return try row?.int64("payments") == Int64(requests.count) && row?.int64("mints") == Int64(requests.count)
        }
    }

    /// The exactly-once checks, against the database and the chain.
    func verifySettledExactlyOnce(_ bed: DaemonTestbed, file: StaticString = #filePath, line: UInt = #line) throws {
        let conn = try bed.database()
        defer { conn.close() }
        XCTAssertEqual(try bed.statusCounts(), ["completed": requests.count], "every payment completed, none twice", file: file, line: line)
        let keys = try conn.query("SELECT idempotency_key FROM payment_queue").rows.map { try $0.string("idempotency_key") }
        XCTAssertEqual(Set(keys), Set(requests.compactMap(\.idempotencyKey)), "exactly the batch's payments", file: file, line: line)
        let mints = try conn.query("""
            SELECT count(*) AS jobs, count(DISTINCT tx_hash_bytes32) AS hashes, count(DISTINCT payment_id) AS payments,
                   count(*) FILTER (WHERE status = 'completed') AS completed
            FROM mint_queue
            """).first
        XCTAssertEqual(try mints?.int64("jobs"), Int64(requests.count), "one mint job per payment", file: file, line: line)
        XCTAssertEqual(try mints?.int64("hashes"), Int64(requests.count), file: file, line: line)
        XCTAssertEqual(try mints?.int64("payments"), Int64(requests.count), file: file, line: line)
        XCTAssertEqual(try mints?.int64("completed"), Int64(requests.count), file: file, line: line)
        let hashes = try conn.query("SELECT tx_hash_bytes32 FROM mint_queue").rows.map { try $0.string("tx_hash_bytes32") }
        let unminted = try hashes.filter { try !bed.hasMinted($0) }
        XCTAssertEqual(unminted, [], "dedupe hashes the mint contract does not know", file: file, line: line)

        let received = try bed.usdcBalance(try bed.receiver) - receiverBalanceBefore
        XCTAssertEqual(received.decimalString, totalAmount.decimalString, "the receiver got exactly what was paid", file: file, line: line)
        let minted = try bed.mintedToBuyers() - mintedBefore
        let expected = try bed.tokensPerMint * UInt256(UInt64(requests.count))
        XCTAssertEqual(minted.decimalString, expected.decimalString, "exactly one mint per payment on-chain", file: file, line: line)
    }
}
