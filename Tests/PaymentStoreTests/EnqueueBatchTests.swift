import Ethereum
import JSON
import Foundation
import PaymentModel
import PaymentStore
import Postgres
import TestHarness
import XCTest

/// Group commit must not change a single answer: a batch queued in one transaction answers
/// and leaves the table exactly as the same payments queued one at a time, in order, would.
final class EnqueueBatchTests: XCTestCase {
    private func migratedDatabase() throws -> PostgresConnection {
        let conn = try PostgresConnection(conninfo: try ThrowawayPostgres.shared().makeDatabase(prefix: "batch"))
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: conn)
        return conn
    }

    /// An answer with rows named by the index of the payment that created them (negative for the
    /// history), so two databases' answers compare.
    private func describe(_ outcome: InsertOutcome, creators: [String: Int]) -> String {
        switch outcome {
        case .inserted(let row): return "inserted \(creators[row.id].map(String.init) ?? row.id)"
        case .existingKey(let row): return "existingKey \(creators[row.id].map(String.init) ?? row.id)"
        case .duplicateAuthorization(let row): return "duplicate \(creators[row.id].map(String.init) ?? row.id)"
        case .tooManyPending(let count): return "tooManyPending \(count)"
        case .soldOut(let remaining): return "soldOut \(remaining)"
        }
    }

    private func table(_ conn: PostgresConnection) throws -> [String] {
        try conn.query("SELECT payer, auth_nonce, coalesce(idempotency_key, '-') AS key, status FROM payment_queue ORDER BY 1, 2").rows.map {
            "\(try $0.string("payer")) \(try $0.string("auth_nonce")) \(try $0.string("key")) \(try $0.string("status"))"
        }
    }

    func testABatchAnswersAsOneInsertAfterAnotherWould() throws {
        let payers = try [
            Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9"),
            Address(hex: "0x00000000000000000000000000000000000b0b00"),
            Address(hex: "0x0000000000000000000000000000000000ca7e00"),
        ]
        // A seeded mix: few nonces and keys, so keys and authorizations repeat in every way.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var history: [NewPayment] = []
        for i in 0..<6 {
            let key: String? = i % 2 == 0 ? "h\(i)" : nil
            history.append(EnqueueAdmissionTests.payment(payers[i % 3], nonce: UInt8(100 + i), key: key))
        }
        var batch: [NewPayment] = []
        for _ in 0..<80 {
            let payer = payers[next(3)]
            let nonce = UInt8(next(12))
            let key: String? = next(3) == 0 ? nil : "k\(next(15))"
            batch.append(EnqueueAdmissionTests.payment(payer, nonce: nonce, key: key))
        }
        batch += [history[0], history[1]]

        let batched = try migratedDatabase()
        let sequential = try migratedDatabase()
        defer { batched.close(); sequential.close() }
        var historyIDs: [[String: Int]] = []
        for conn in [batched, sequential] {
            var ids: [String: Int] = [:]
            for (index, payment) in history.enumerated() {
                guard case .inserted(let row) = try PaymentQueue.insert(payment, maxUnsettledPerPayer: 6, on: conn) else { return XCTFail() }
                ids[row.id] = -1 - index
            }
            historyIDs.append(ids)
            // One of each payer's history settled: it no longer counts against the limit.
            try conn.execute("UPDATE payment_queue SET status = 'completed' WHERE auth_nonce IN ('\(history[0].transfer.nonce.hex)', '\(history[4].transfer.nonce.hex)')")
        }

        let together = try PaymentQueue.insert(batch, maxUnsettledPerPayer: 6, on: batched)
        let oneByOne = try batch.map { try PaymentQueue.insert($0, maxUnsettledPerPayer: 6, on: sequential) }

        func creators(_ outcomes: [InsertOutcome], history: [String: Int]) -> [String: Int] {
            var ids = history
            for (index, outcome) in outcomes.enumerated() { if case .inserted(let row) = outcome { ids[row.id] = index } }
            return ids
        }
        let togetherCreators = creators(together, history: historyIDs[0])
        let oneByOneCreators = creators(oneByOne, history: historyIDs[1])
        XCTAssertEqual(together.map { describe($0, creators: togetherCreators) }.enumerated().map { "\($0) \($1)" },
                       oneByOne.map { describe($0, creators: oneByOneCreators) }.enumerated().map { "\($0) \($1)" })
        XCTAssertEqual(try table(batched), try table(sequential))
        // The mix exercised every answer.
        let kinds = Set(together.map { describe($0, creators: togetherCreators).split(separator: " ")[0] })
        XCTAssertEqual(kinds, ["inserted", "existingKey", "duplicate", "tooManyPending"])
    }

    /// Pins the race CI found: the same request sent twice, the copies in two concurrent
    /// batches. The second batch looked its keys up before waiting for the payer's lock, so it
    /// missed the first batch's row and, once the lock was free, found only its authorization:
    /// it answered "already queued under another key" to a retry of the very same request.
    func testARetryWaitingForTheFirstCopysCommitAnswersWithItsPayment() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "batch")
        let first = try PostgresConnection(conninfo: conninfo)
        defer { first.close() }
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: first)
        let payer = try Address(hex: "0x2D4C407BBe49438ED859fe965b140dcF1aaB71a9")
        let payment = EnqueueAdmissionTests.payment(payer, nonce: 7, key: "order-228")

        // The first copy's batch holds the payer's lock and has inserted its row, not yet committed.
        try first.execute("BEGIN")
        try first.execute("SELECT pg_advisory_xact_lock(hashtext('\(payer.lowercaseHex)'))")
        try first.execute("""
            INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount, payment_token_address, status,
                idempotency_key, auth_nonce, valid_before)
            VALUES ('\(payment.type.rawValue)', \(payment.token.map { "'\($0.checksummed)'" } ?? "NULL"), '\(try JSONText.string(payment.authorization))'::jsonb, '\(payer.checksummed)',
                    '\(payment.amount)', '\(payment.paymentToken.checksummed)', 'pending', 'order-228',
                    '\(payment.transfer.nonce.hex)', \(payment.transfer.validBefore))
            """)

        let answer = LockedList()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do {
                let second = try PostgresConnection(conninfo: conninfo)
                defer { second.close() }
                switch try PaymentQueue.insert(payment, maxUnsettledPerPayer: 6, on: second) {
                case .existingKey: answer.append("existingKey")
                case let other: answer.append("\(other)")
                }
            } catch {
                answer.append("\(error)")
            }
            done.signal()
        }
        // The retry's batch must now be waiting for the payer's lock.
        XCTAssertEqual(done.wait(timeout: .now() + 0.5), .timedOut)
        try first.execute("COMMIT")
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(answer.all, ["existingKey"])
    }

    func testConcurrentBatchesOfTheSamePayersNeitherDeadlockNorOverfill() throws {
        let conninfo = try ThrowawayPostgres.shared().makeDatabase(prefix: "batch")
        let setup = try PostgresConnection(conninfo: conninfo)
        defer { setup.close() }
        try MigrationRunner(directory: ReplacedSystemDatabaseTests.repositoryRoot + "/migrations").apply(on: setup)
        let payers = try (1...6).map { try Address(hex: "0x" + String(repeating: "0", count: 38) + String(format: "%02x", $0 * 11)) }
        let errors = LockedList()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                let conn = try PostgresConnection(conninfo: conninfo)
                defer { conn.close() }
                for round in 0..<5 {
                    // Each worker's payers in another order: one lock order must still hold.
                    let batch = (0..<12).map { i in
                        EnqueueAdmissionTests.payment(payers[(i + worker) % 6], nonce: UInt8(worker * 50 + round * 10 + i / 6))
                    }
                    _ = try PaymentQueue.insert(worker % 2 == 0 ? batch : batch.reversed(), maxUnsettledPerPayer: 9, on: conn)
                }
            } catch {
                errors.append("\(error)")
            }
        }
        XCTAssertEqual(errors.all, [])
        for row in try setup.query("SELECT payer, count(*) AS n FROM payment_queue GROUP BY payer").rows {
            let payer = try row.string("payer")
            XCTAssertEqual(try row.int64("n"), 9, "each payer filled exactly to the limit: \(payer)")
        }
    }
}

private final class LockedList: @unchecked Sendable {
    // @unchecked Sendable: every access goes through the lock.
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
