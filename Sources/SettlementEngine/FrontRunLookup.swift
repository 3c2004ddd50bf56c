import ChainClient
import Ethereum
import JSON
import PaymentStore

/// Finds the transaction that used a payment's authorization when it was not (or not only)
/// ours: x402 payloads can be front-run, and since the authorization pays our receiver either
/// way, the payment is paid (DESIGN invariant 4). The settlement carries that transaction.
struct FrontRunLookup: Sendable {
    let chain: EthereumRPC
    let configuration: EngineConfiguration
    /// How far back to search for `AuthorizationUsed` (providers cap `eth_getLogs` ranges; a
    /// payment's authorization was unused when it was enqueued, so its use is recent).
    static let lookbackBlocks: UInt64 = 10_000

    /// Settlements for the rows whose authorization shows a use at least `confirmations` deep.
    func settlements(for rows: [PaymentRow], confirmations: Int = 1) async throws -> [String: PaymentSettlement] {
        guard !rows.isEmpty else { return [:] }
        let head = try await chain.blockNumber()
        let depth = UInt64(max(confirmations, 1) - 1)
        guard head >= depth else { return [:] }
        let newest = head - depth
        let oldest = newest > Self.lookbackBlocks ? newest - Self.lookbackBlocks : 0
        var found: [String: PaymentSettlement] = [:]
        let byToken = Dictionary(grouping: rows) { $0.paymentTokenAddress.lowercased() }
        for (_, tokenRows) in byToken {
            guard let token = try? Address(hex: tokenRows[0].paymentTokenAddress), configuration.paymentToken(token) != nil else { continue }
            var keyed: [String: PaymentRow] = [:]
            var queries: [(authorizer: Address, nonce: Bytes32)] = []
            for row in tokenRows {
                guard let auth = row.authorization, let from = try? Address(hex: auth.from), let nonce = try? Bytes32(hex: auth.nonce) else { continue }
                keyed[Self.key(from, nonce)] = row
                queries.append((from, nonce))
            }
            let logs = try await chain.authorizationUsedLogs(token: token, queries, fromBlock: oldest, toBlock: .number(newest))
            let candidates = logs.filter { !$0.removed && $0.topics.count >= 3 }
            // The EIP-3009 nonce is the payer's choice and binds neither `to` nor `value`: a payer
            // can spend the same nonce on a transfer to himself. Only a transaction whose
            // receipt shows this token moving exactly the authorized value from the payer to
            // the authorized recipient paid for this payment.
            let receipts = try await chain.receipts(candidates.map(\.transactionHash))
            for (log, receipt) in zip(candidates, receipts) {
                let authorizer = try Address(bytes: Array(log.topics[1].bytes.suffix(20)))
                guard let row = keyed[Self.key(authorizer, log.topics[2])], let receipt, receipt.succeeded,
                      Self.paid(row, by: receipt, token: token) else { continue }
                let txHash = log.transactionHash.hex
                let ours = row.allTransactionHashes.contains { $0.lowercased() == txHash }
                found[row.id] = PaymentSettlement(
                    paymentID: row.id, txHash: txHash, blockNumber: Int64(log.blockNumber), blockHash: log.blockHash.hex,
                    result: ["settled_by": ours ? "paymentd" : "other_transaction", "tx_hash": .string(txHash)],
                    mints: MintPlan.jobs(for: row, settledBy: txHash))
            }
        }
        return found
    }

    /// Whether `receipt` holds a `Transfer(from → to, value)` of `token` matching the row's
    /// authorization.
    static func paid(_ row: PaymentRow, by receipt: TransactionReceipt, token: Address) -> Bool {
        guard let auth = row.authorization, let from = try? Address(hex: auth.from), let to = try? Address(hex: auth.to),
              let value = UInt256(decimal: auth.value) else { return false }
        return receipt.logs(of: EventTopic.transfer, from: token).contains { log in
            log.topics.count >= 3 && !log.removed
                && Array(log.topics[1].bytes.suffix(20)) == from.bytes
                && Array(log.topics[2].bytes.suffix(20)) == to.bytes
                && (try? UInt256(bigEndian: log.data)) == value
        }
    }

    private static func key(_ authorizer: Address, _ nonce: Bytes32) -> String {
        authorizer.lowercaseHex + nonce.hex
    }
}
