import Ethereum
import JSON
import Postgres
import TestHarness

/// Checks the ledger against the chain after a drill, reading the chain by plain JSON-RPC and
/// decoding logs itself (no engine code), so a bug in the engine's own reading cannot hide:
///
/// - every payment is terminal, none is still being restored after a reorg, none lost;
/// - every completed payment's settlement pair is on chain: its receipt succeeded and, at its
///   recorded log index, holds this authorization's `AuthorizationUsed` and right after it the
///   `Transfer(payer → receiver, amount)`; no pair pays two payments;
/// - no failed payment was paid (no such pair exists for its authorization);
/// - every mint job of a completed payment was minted exactly once (one `TokensMinted` per
///   dedupe hash), and nothing was minted that no completed payment bought;
/// - the receiver's balance grew by exactly the sum of completed amounts, and each recipient's
///   mint balance by exactly what it bought.
public struct LedgerAudit: Sendable {
    public let chain: Devchain
    public let databaseURL: String

    public init(chain: Devchain, databaseURL: String) {
        self.chain = chain
        self.databaseURL = databaseURL
    }

    /// The balances the audit compares against, read before the drill.
    public struct Baseline: Sendable {
        public var receiver: UInt256
        public var minted: [String: UInt256]
    }

    public func baseline() throws -> Baseline {
        var minted: [String: UInt256] = [:]
        for buyer in chain.buyers { minted[buyer.address.lowercased()] = try balance(token: chain.mintToken, of: buyer.address) }
        return Baseline(receiver: try balance(token: chain.usdc, of: chain.receiver), minted: minted)
    }

    public func run(against baseline: Baseline) throws -> AuditResult {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        var result = AuditResult()
        let payments = try conn.query("""
            SELECT id::text AS id, status, payer, amount, auth_nonce, tx_hash, settlement_log_index, settlement_lost,
                   reorged_at IS NOT NULL AS restoring, coalesce((metadata->>'quantity')::int, 1) AS quantity,
                   coalesce(metadata->>'recipient', payer) AS recipient
            FROM payment_queue
            """).rows
        let jobs = try conn.query("SELECT payment_id::text AS payment_id, tx_hash_bytes32 AS hash, status FROM mint_queue").rows
        let receiver = chain.receiver.lowercased()
        let usdc = chain.usdc.lowercased()

        var pairs = Set<String>()
        var paidAmount = UInt256.zero
        var bought: [String: UInt64] = [:]
        var completedIDs = Set<String>()
        for row in payments {
            let id = try row.string("id")
            let status = try row.string("status")
            result.counts[status, default: 0] += 1
            if try row.bool("restoring") && (try row.text("settlement_lost")) == nil {
                result.violations.append("payment \(id) is still being restored after a reorg")
            }
            if let lost = try row.text("settlement_lost") { result.violations.append("payment \(id): settlement lost (\(lost))") }
            guard ["completed", "failed", "confirmation_failed"].contains(status) else {
                result.violations.append("payment \(id) is not terminal: \(status)")
                continue
            }
            let payer = try row.string("payer").lowercased()
            let nonce = try row.string("auth_nonce").lowercased()
            let amount = UInt256(decimal: try row.string("amount")) ?? .zero
            if status == "completed" {
                completedIDs.insert(id)
                guard let txHash = try row.text("tx_hash"), let index = try row.optionalInt64("settlement_log_index") else {
                    result.violations.append("completed payment \(id) records no settlement pair")
                    continue
                }
                let key = txHash.lowercased() + "#\(index)"
                if !pairs.insert(key).inserted { result.violations.append("pair \(key) pays more than one payment") }
                if let problem = try checkPair(txHash: txHash, logIndex: UInt64(index), token: usdc, payer: payer, nonce: nonce,
                                               receiver: receiver, amount: amount) {
                    result.violations.append("completed payment \(id): \(problem)")
                }
                paidAmount += amount
                bought[try row.string("recipient").lowercased(), default: 0] += UInt64(try row.int64("quantity"))
            } else if try paidPair(token: usdc, payer: payer, nonce: nonce, receiver: receiver, amount: amount) {
                result.violations.append("\(status) payment \(id) was paid on chain (charged, never served)")
            }
        }

        // Mints: one TokensMinted per job of a completed payment, none for anything else.
        var expectedHashes = Set<String>()
        for job in jobs {
            guard let paymentID = try job.text("payment_id"), completedIDs.contains(paymentID) else { continue }
            expectedHashes.insert(try job.string("hash").lowercased())
        }
        let minted = try tokensMinted()
        for hash in expectedHashes where minted[hash, default: 0] != 1 {
            result.violations.append("mint \(hash) of a completed payment was minted \(minted[hash, default: 0]) times")
        }
        for (hash, count) in minted where !expectedHashes.contains(hash) {
            result.violations.append("\(count) mint(s) of \(hash), which no completed payment bought")
        }
        result.mints = minted.values.reduce(0, +)

        let receiverGain = try balance(token: chain.usdc, of: chain.receiver) - baseline.receiver
        if receiverGain != paidAmount {
            result.violations.append("the receiver gained \(receiverGain), completed payments sum to \(paidAmount)")
        }
        let mintAmount = UInt256(decimal: chain.mintAmount) ?? .zero
        for (recipient, before) in baseline.minted {
            let gain = try balance(token: chain.mintToken, of: recipient) - before
            let expected = mintAmount * UInt256(bought[recipient, default: 0])
            if gain != expected { result.violations.append("\(recipient) gained \(gain) mint tokens, bought \(expected)") }
        }
        result.paid = paidAmount
        return result
    }

    // MARK: Chain reads, by plain JSON-RPC

    /// Why the receipt of `txHash` does not hold the pair at `logIndex`, or nil when it does.
    private func checkPair(txHash: String, logIndex: UInt64, token: String, payer: String, nonce: String, receiver: String,
                           amount: UInt256) throws -> String? {
        let receipt = try chain.control("eth_getTransactionReceipt", [.string(txHash)])
        guard !receipt.isNull else { return "its transaction \(txHash) is not on chain" }
        guard receipt["status"]?.stringValue == "0x1" else { return "its transaction \(txHash) reverted" }
        let logs = receipt["logs"]?.arrayValue ?? []
        guard let position = logs.firstIndex(where: { quantity($0["logIndex"]) == logIndex }), position + 1 < logs.count else {
            return "no log \(logIndex) with a log after it in \(txHash)"
        }
        guard isAuthorizationUsed(logs[position], token: token, payer: payer, nonce: nonce) else {
            return "log \(logIndex) of \(txHash) is not this authorization's AuthorizationUsed"
        }
        guard isTransfer(logs[position + 1], token: token, from: payer, to: receiver, amount: amount) else {
            return "the log after \(logIndex) in \(txHash) is not Transfer(payer → receiver, \(amount))"
        }
        return nil
    }

    /// Whether any transaction used this authorization and paid the receiver with it.
    private func paidPair(token: String, payer: String, nonce: String, receiver: String, amount: UInt256) throws -> Bool {
        let logs = try chain.control("eth_getLogs", [[
            "fromBlock": "0x0", "toBlock": "latest", "address": .string(token),
            "topics": [.string(EventTopic.authorizationUsed.hex), .string(Self.word(payer)), .string(nonce)],
        ]]).arrayValue ?? []
        for log in logs {
            guard let txHash = log["transactionHash"]?.stringValue else { continue }
            let receipt = try chain.control("eth_getTransactionReceipt", [.string(txHash)])
            let all = receipt["logs"]?.arrayValue ?? []
            guard let position = all.firstIndex(where: { quantity($0["logIndex"]) == quantity(log["logIndex"]) }),
                  position + 1 < all.count else { continue }
            if isTransfer(all[position + 1], token: token, from: payer, to: receiver, amount: amount) { return true }
        }
        return false
    }

    /// Every `TokensMinted` of the mint token, counted per dedupe hash (its second topic).
    private func tokensMinted() throws -> [String: Int] {
        let logs = try chain.control("eth_getLogs", [[
            "fromBlock": "0x0", "toBlock": "latest", "address": .string(chain.mintToken.lowercased()),
            "topics": [.string(EventTopic.tokensMinted.hex)],
        ]]).arrayValue ?? []
        var counts: [String: Int] = [:]
        for log in logs {
            guard let topics = log["topics"]?.arrayValue, topics.count >= 3, let hash = topics[2].stringValue else { continue }
            counts[hash.lowercased(), default: 0] += 1
        }
        return counts
    }

    private func balance(token: String, of account: String) throws -> UInt256 {
        let data = ABI.selector("balanceOf(address)") + ABIWord.address(try Address(hex: account))
        let result = try chain.control("eth_call", [["to": .string(token), "data": .string(Hex.encode(data))], "latest"])
        return try ABI.decodeUInt256(try Hex.decode(result.stringValue ?? ""))
    }

    private func isAuthorizationUsed(_ log: JSONValue, token: String, payer: String, nonce: String) -> Bool {
        let topics = (log["topics"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() }
        return log["address"]?.stringValue?.lowercased() == token
            && topics == [EventTopic.authorizationUsed.hex, Self.word(payer), nonce]
    }

    private func isTransfer(_ log: JSONValue, token: String, from: String, to: String, amount: UInt256) -> Bool {
        let topics = (log["topics"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() }
        guard log["address"]?.stringValue?.lowercased() == token, topics == [EventTopic.transfer.hex, Self.word(from), Self.word(to)],
              let data = log["data"]?.stringValue, let bytes = try? Hex.decode(data) else { return false }
        return (try? UInt256(bigEndian: bytes)) == amount
    }

    private func quantity(_ value: JSONValue?) -> UInt64? {
        guard let text = value?.stringValue, text.hasPrefix("0x") else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }

    /// A lowercase address as a 32-byte topic.
    private static func word(_ address: String) -> String {
        "0x" + String(repeating: "0", count: 24) + address.lowercased().dropFirst(2)
    }
}

/// What the audit found: counts for the report, and every broken promise in words.
public struct AuditResult: Sendable {
    public var counts: [String: Int] = [:]
    public var mints = 0
    public var paid = UInt256.zero
    public var violations: [String] = []

    public var passed: Bool { violations.isEmpty }
}
