import ChainClient
import Ethereum
import PaymentStore

/// What the chain shows about a used authorization: the transaction that used it, and whether
/// that use paid our receiver.
enum AuthorizationUse: Sendable, Hashable {
    /// The authorization's `AuthorizationUsed` log with its adjacent `Transfer` to the
    /// authorized recipient: the payment is paid by this pair, whoever sent the transaction.
    case paid(SettlementPair)
    /// The authorization was used by a transaction that did not pay the authorized transfer
    /// with it (the payer spent the nonce elsewhere): nothing can settle this payment any more.
    case spentElsewhere(transaction: Bytes32, blockNumber: UInt64)
    /// The payer cancelled the authorization (`cancelAuthorization`): nothing can settle it.
    case cancelled(transaction: Bytes32, blockNumber: UInt64)
}

/// Finds the transaction that used a payment's authorization when it was not (or not only)
/// ours: x402 payloads can be front-run, and since the authorization pays our receiver either
/// way, the payment is paid (DESIGN invariant 4), by that transaction's settlement pair.
///
/// The search starts at the block the payment was enqueued at (its authorization was unused
/// then), however long ago, in chunks of `log_range_blocks` because providers cap `eth_getLogs`
/// ranges. Rows from before that block was recorded fall back to the last
/// `fallbackLookbackBlocks`.
struct FrontRunLookup: Sendable {
    let chain: EthereumRPC
    /// Most blocks per `eth_getLogs` (`log_range_blocks`, lowered when the provider refuses more).
    let range: LogRange
    let configuredRange: UInt64
    /// How far back to search for rows that have no `enqueued_block`.
    static let fallbackLookbackBlocks: UInt64 = 10_000
    /// Searched below `enqueued_block` as well: the head and the authorization's state were read
    /// in one batch, which a node may answer against blocks a little apart.
    static let enqueueMarginBlocks: UInt64 = 64

    /// One authorization to look for: `id` names it in the answer; the search starts at `from`.
    struct Query: Sendable {
        var id: String
        var token: Address
        var transfer: TransferWithAuthorization
        var from: UInt64
    }

    /// The use of each row's authorization found on chain up to `head` (rows with none found are
    /// absent). Only rows whose authorization is readable are looked up. An authorization is
    /// used or cancelled once at most, so at most one of these events exists per row.
    func uses(for rows: [PaymentRow], head: UInt64) async throws -> [String: AuthorizationUse] {
        let fallback = Self.fallbackStart(head: head)
        return try await uses(of: rows.compactMap { row in
            row.transfer.map { transfer in
                let from = row.enqueuedBlock.map { $0 > Self.enqueueMarginBlocks ? $0 - Self.enqueueMarginBlocks : 0 } ?? fallback
                return Query(id: row.id, token: row.paymentToken, transfer: transfer, from: from)
            }
        }, head: head)
    }

    /// The use of each query's authorization found on chain from its `from` up to `head`
    /// (queries with none found are absent).
    func uses(of queries: [Query], head: UInt64) async throws -> [String: AuthorizationUse] {
        var found: [String: AuthorizationUse] = [:]
        for (token, group) in Dictionary(grouping: queries, by: \.token) {
            var byKey: [String: Query] = [:]
            for item in group { byKey[Self.key(item.transfer.from, item.transfer.nonce)] = item }
            let start = group.map(\.from).min() ?? head
            let wanted = group.map { (authorizer: $0.transfer.from, nonce: $0.transfer.nonce) }
            var logs: [LogEntry] = []
            var from = min(start, head)
            var span = range.blocks(configured: configuredRange)
            while true {
                let to = min(head, from + span - 1)
                switch await usedLogs(token: token, wanted, from: from, to: to) {
                case .success(let found):
                    logs += found
                case .failure(let error):
                    // Too many blocks for this provider: the same blocks again, in a smaller span.
                    guard case .rpc(_, let refusal) = error, refusal.isLogRangeRefusal,
                          let smaller = range.refused(span: to - from + 1, error: refusal.description) else { throw error }
                    span = smaller
                    continue
                }
                if to >= head { break }
                from = to + 1
            }
            for log in logs where !log.removed && log.topics.count >= 3 && log.topics[0] == EventTopic.authorizationCanceled {
                guard let item = byKey[Self.key(try Address(bytes: Array(log.topics[1].bytes.suffix(20))), log.topics[2])] else { continue }
                found[item.id] = .cancelled(transaction: log.transactionHash, blockNumber: log.blockNumber)
            }
            let candidates = logs.filter { !$0.removed && $0.topics.count >= 3 && $0.topics[0] == EventTopic.authorizationUsed }
            let receipts = try await chain.receipts(candidates.map(\.transactionHash))
            for (log, receipt) in zip(candidates, receipts) {
                guard let item = byKey[Self.key(try Address(bytes: Array(log.topics[1].bytes.suffix(20))), log.topics[2])] else { continue }
                if let receipt, let pair = SettlementPair.find(in: receipt, token: token, authorization: item.transfer) {
                    found[item.id] = .paid(pair)
                } else if receipt != nil {
                    found[item.id] = .spentElsewhere(transaction: log.transactionHash, blockNumber: log.blockNumber)
                }
                // No receipt: the log's block was reorged out between the two calls; next tick.
            }
        }
        return found
    }

    private func usedLogs(token: Address, _ wanted: [(authorizer: Address, nonce: Bytes32)], from: UInt64, to: UInt64) async -> Result<[LogEntry], ChainError> {
        do throws(ChainError) {
            return .success(try await chain.authorizationUsedLogs(token: token, wanted, fromBlock: from, toBlock: .number(to),
                                                                  events: [EventTopic.authorizationUsed, EventTopic.authorizationCanceled]))
        } catch {
            return .failure(error)
        }
    }

    /// Where a search with no recorded enqueue block starts: `fallbackLookbackBlocks` below `head`.
    static func fallbackStart(head: UInt64) -> UInt64 {
        head > fallbackLookbackBlocks ? head - fallbackLookbackBlocks : 0
    }

    /// One authorization's identity: its authorizer and nonce (the token's own key for it).
    static func key(_ authorizer: Address, _ nonce: Bytes32) -> String {
        authorizer.lowercaseHex + nonce.hex
    }
}
