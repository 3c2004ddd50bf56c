import ChaosDrill
import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import Postgres
import TestHarness
import XCTest

/// The audit against a real ledger: a few payments through a real `paymentd` (its own devchain,
/// a throwaway PostgreSQL) pass it; then violations are planted where they would really be — on
/// the chain by the minter's own key, in the database by SQL — and the audit must name each.
final class LedgerAuditTests: XCTestCase {
    func testTheAuditPassesARealDrillAndNamesEachPlantedViolation() async throws {
        let chain = try Devchain.start(blockMilliseconds: 500, signers: 2, buyers: 2)
        defer { chain.stop() }
        let databaseURL = try ThrowawayPostgres.shared().makeDatabase(prefix: "audit")
        let workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: databaseURL)
        let audit = LedgerAudit(chain: chain, databaseURL: databaseURL)
        let baseline = try audit.baseline()

        let daemon = try PaymentdProcess.start(workspace)
        try await daemon.waitUntilReady()
        let requests = try ChaosRequests.make(chain, count: 3, seed: 7)
        let client = PaymentdClient(socketPath: workspace.socketPath, requestTimeout: .seconds(30))
        var expectations: [AuditExpectation] = []
        for request in requests {
            let result = try await client.enqueue(request)
            expectations.append(AuditExpectation(request, enqueue: .acknowledged(paymentID: result.paymentID)))
        }
        await client.close()
        try await waitUntil("3 payments completed and 6 items minted", daemon: daemon) {
            try Self.count(databaseURL, "SELECT count(*) AS n FROM payment_queue WHERE status = 'completed'") == 3
                && Self.count(databaseURL, "SELECT count(*) AS n FROM mint_queue WHERE status = 'completed'") == 6
        }
        _ = await daemon.terminate()

        let clean = try audit.run(expectations: expectations, against: baseline)
        XCTAssertEqual(clean.violations, [], "a clean run must pass")
        XCTAssertEqual(clean.counts, ["completed": 3])
        XCTAssertEqual(clean.mints, 6)
        XCTAssertEqual(clean.paid, UInt256(PaymentdWorkspace.unitPrice * 6))

        let ids = expectations.map { expectation -> String in
            guard case .acknowledged(let id) = expectation.enqueue else { return "" }
            return id.lowercased()
        }
        // A double mint and an unpaid mint, by the minter's own key: item 1 of the first payment,
        // which bought one, and a key no payment has.
        let stranger = Bytes32.keccak256(Array("nobody paid for this".utf8))
        let recipient = try Address(hex: chain.buyers[0].address)
        let mintTransaction = try sendMint(chain, recipients: [recipient, recipient],
                                           keys: [try Bytes32(hex: LedgerJudge.mintKey(paymentID: ids[0], index: 1)), stranger])
        try assertNames(audit, expectations, baseline, [
            "item 1 of payment \(ids[0]) was minted (\(mintTransaction.hex)), but the payment bought 1 items",
            "\(mintTransaction.hex) minted \(chain.mintAmount) to \(recipient.lowercaseHex) under key \(stranger.hex), which no requested payment bought",
        ])

        // A failed paid row: the second payment's settlement stands on chain.
        try Self.execute(databaseURL, "UPDATE payment_queue SET status = 'failed', error = 'planted' WHERE id = '\(ids[1])'")
        let settlement = try Self.text(databaseURL, "SELECT tx_hash AS t FROM payment_queue WHERE id = '\(ids[1])'")
        try assertNames(audit, expectations, baseline, [
            "payment \(ids[1]) ended failed: planted; no fault of the drill lets it end other than completed",
            "failed payment \(ids[1]) was paid on chain by \(settlement.lowercased()) (charged, never served)",
            "item 0 of payment \(ids[1]) was minted",
        ])

        // A deleted row (its mint jobs first: they reference it).
        try Self.execute(databaseURL, "DELETE FROM mint_queue WHERE payment_id = '\(ids[2])'")
        try Self.execute(databaseURL, "DELETE FROM payment_queue WHERE id = '\(ids[2])'")
        try assertNames(audit, expectations, baseline, [
            "request \(requests[2].idempotencyKey!) was acknowledged as payment \(ids[2]), but no payment row has its key",
        ])
    }

    // MARK: Helpers

    private func assertNames(_ audit: LedgerAudit, _ expectations: [AuditExpectation], _ baseline: LedgerAudit.Baseline,
                             _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try audit.run(expectations: expectations, against: baseline)
        XCTAssertFalse(result.passed, "the audit passed a planted violation", file: file, line: line)
        for fragment in fragments where !result.violations.contains(where: { $0.contains(fragment) }) {
            XCTFail("no violation says \"\(fragment)\"; the audit said:\n  " + result.violations.joined(separator: "\n  "),
                    file: file, line: line)
        }
    }

    /// `batchMint` signed by the deployment's minter and mined; returns its hash.
    private func sendMint(_ chain: Devchain, recipients: [Address], keys: [Bytes32]) throws -> Bytes32 {
        let key = try PrivateKey(hex: chain.minter.privateKey)
        let nonce = try Self.quantity(chain.control("eth_getTransactionCount", [.string(key.address.lowercaseHex), "pending"]))
        let baseFee = try Self.quantity(chain.control("eth_getBlockByNumber", ["latest", false])["baseFeePerGas"] ?? .null)
        let tip = UInt256(2_000_000_000)
        let transaction = EIP1559Transaction(
            chainId: chain.chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: UInt256(baseFee) * UInt256(2) + tip,
            gasLimit: 400_000, to: try Address(hex: chain.mintToken), value: .zero,
            data: MintContractCalldata.batchMint(recipients: recipients, txHashes: keys)).sign(with: key)
        _ = try chain.control("eth_sendRawTransaction", [.string(Hex.encode(transaction.raw))])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let receipt = try chain.control("eth_getTransactionReceipt", [.string(transaction.hash.hex)])
            if let status = receipt["status"]?.stringValue {
                XCTAssertEqual(status, "0x1", "the planted batchMint reverted: \(receipt)")
                return transaction.hash
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw HarnessError("the planted batchMint \(transaction.hash.hex) was not mined within 60 s")
    }

    private func waitUntil(_ what: String, daemon: PaymentdProcess, seconds: Double = 120,
                           _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("not within \(Int(seconds)) s: \(what)\n\(daemon.logTail())")
    }

    private static func quantity(_ value: JSONValue) throws -> UInt64 {
        guard let text = value.stringValue, text.hasPrefix("0x"), let number = UInt64(text.dropFirst(2), radix: 16) else {
            throw HarnessError("not a hex quantity: \(value)")
        }
        return number
    }

    private static func count(_ databaseURL: String, _ sql: String) throws -> Int64 {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        return try conn.query(sql).first!.int64("n")
    }

    private static func text(_ databaseURL: String, _ sql: String) throws -> String {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        return try conn.query(sql).first!.string("t")
    }

    private static func execute(_ databaseURL: String, _ sql: String) throws {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        _ = try conn.query(sql)
    }
}
