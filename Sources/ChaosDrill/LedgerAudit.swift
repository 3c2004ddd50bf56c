import Ethereum
import JSON
import Postgres
import TestHarness

/// Reads the ledger and the chain after a drill into `LedgerFacts` and has `LedgerJudge` check
/// them against the drill's own requests. The chain is read by plain JSON-RPC (`eth_getLogs`,
/// `eth_call`) and decoded here, with no engine code, so a bug in the engine's own reading
/// cannot hide; the rows are read as stored text.
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

    /// Audits the ledger and the chain against `expectations`, one per request the drill made.
    public func run(expectations: [AuditExpectation], against baseline: Baseline) throws -> AuditResult {
        LedgerJudge(expectations: expectations, facts: try facts(baseline: baseline)).judge()
    }

    /// Everything the judge looks at, read now.
    public func facts(baseline: Baseline) throws -> LedgerFacts {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        let rows = try conn.query("""
            SELECT id::text AS id, idempotency_key, status, error, payer, auth_nonce, amount, payment_token_address, token_address,
                   metadata->>'quantity' AS quantity, metadata->>'recipient' AS recipient, tx_hash, settlement_log_index,
                   settlement_lost, reorged_at IS NOT NULL AS reorged, refund_tx_hash
            FROM payment_queue
            """).rows
        let payments = try rows.map { row in
            LedgerFacts.Payment(
                id: try row.string("id"), idempotencyKey: try row.text("idempotency_key"), status: try row.string("status"),
                error: try row.text("error"), payer: try row.string("payer"), nonce: try row.text("auth_nonce"),
                amount: try row.string("amount"), paymentToken: try row.string("payment_token_address"),
                mintToken: try row.text("token_address"), quantity: try row.text("quantity"), recipient: try row.text("recipient"),
                txHash: try row.text("tx_hash"), settlementLogIndex: try row.optionalInt64("settlement_log_index"),
                settlementLost: try row.text("settlement_lost"), reorged: try row.bool("reorged"),
                refundTxHash: try row.text("refund_tx_hash"))
        }
        guard let mintAmount = UInt256(decimal: chain.mintAmount) else {
            throw HarnessError("the deployment's mint amount \(chain.mintAmount) is not a decimal number")
        }
        var after: [String: UInt256] = [:]
        for account in baseline.minted.keys { after[account] = try balance(token: chain.mintToken, of: account) }
        return LedgerFacts(
            receiver: chain.receiver, paymentToken: chain.usdc, mintToken: chain.mintToken,
            mintAmount: mintAmount, payments: payments,
            paymentTokenLogs: try logs(of: chain.usdc, topic: nil),
            mints: try logs(of: chain.mintToken, topic: EventTopic.tokensMinted.hex),
            receiverBefore: baseline.receiver, receiverAfter: try balance(token: chain.usdc, of: chain.receiver),
            mintBalancesBefore: baseline.minted, mintBalancesAfter: after)
    }

    // MARK: Chain reads, by plain JSON-RPC

    /// Every log of `contract` on the canonical chain, of one event when `topic` is given.
    private func logs(of contract: String, topic: String?) throws -> [LedgerFacts.Log] {
        var filter: [String: JSONValue] = ["fromBlock": "0x0", "toBlock": "latest", "address": .string(contract.lowercased())]
        if let topic { filter["topics"] = [.string(topic)] }
        let answer = try chain.control("eth_getLogs", [.object(filter)])
        guard let entries = answer.arrayValue else { throw HarnessError("eth_getLogs answered \(answer), not a list of logs") }
        return try entries.map { entry in
            guard let address = entry["address"]?.stringValue, let topics = entry["topics"]?.arrayValue,
                  let data = entry["data"]?.stringValue, let transaction = entry["transactionHash"]?.stringValue,
                  let indexText = entry["logIndex"]?.stringValue, indexText.hasPrefix("0x"),
                  let index = UInt64(indexText.dropFirst(2), radix: 16) else {
                throw HarnessError("eth_getLogs answered a log the audit cannot read: \(entry)")
            }
            return LedgerFacts.Log(address: address, topics: topics.compactMap(\.stringValue), data: data,
                                   transactionHash: transaction, logIndex: index)
        }
    }

    private func balance(token: String, of account: String) throws -> UInt256 {
        let data = ABI.selector("balanceOf(address)") + ABIWord.address(try Address(hex: account))
        let result = try chain.control("eth_call", [["to": .string(token), "data": .string(Hex.encode(data))], "latest"])
        return try ABI.decodeUInt256(try Hex.decode(result.stringValue ?? ""))
    }
}

/// What the audit found: counts for the report, and every broken promise in words.
public struct AuditResult: Sendable {
    public var counts: [String: Int] = [:]
    public var mints = 0
    public var paid = UInt256.zero
    /// Payments that ended with their settlement lost to the payer's re-spend in a reorg's fork
    /// (allowed by the fault plan: unpaid, never minted), and completed payments refunded.
    public var lostToRespend = 0
    public var refunded = 0
    public var violations: [String] = []

    public var passed: Bool { violations.isEmpty }
}
