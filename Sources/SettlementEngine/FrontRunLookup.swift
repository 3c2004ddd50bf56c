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
/// then), however long ago, in chunks of `logRangeBlocks` because providers cap `eth_getLogs`
/// ranges. Rows from before that block was recorded fall back to the last
/// `fallbackLookbackBlocks`.
struct FrontRunLookup: Sendable {
    let chain: EthereumRPC
    /// Most blocks per `eth_getLogs` (providers refuse wider ranges).
    static let logRangeBlocks: UInt64 = 10_000
    /// How far back to search for rows that have no `enqueued_block`.
    static let fallbackLookbackBlocks: UInt64 = 10_000
    /// Searched below `enqueued_block` as well: the head and the authorization's state were read
    /// in one batch, which a node may answer against blocks a little apart.
    static let enqueueMarginBlocks: UInt64 = 64

    /// The use of each row's authorization found on chain up to `head` (rows with none found are
    /// absent). Only rows whose authorization is readable are looked up. An authorization is
    /// used or cancelled once at most, so at most one of these events exists per row.
    func uses(for rows: [PaymentRow], head: UInt64) async throws -> [String: AuthorizationUse] {
        var found: [String: AuthorizationUse] = [:]
        let readable = rows.compactMap { row in row.transfer.map { (row: row, transfer: $0) } }
        for (token, group) in Dictionary(grouping: readable, by: \.row.paymentToken) {
            var byKey: [String: (row: PaymentRow, transfer: TransferWithAuthorization)] = [:]
            for item in group { byKey[Self.key(item.transfer.from, item.transfer.nonce)] = item }
            let fallback = head > Self.fallbackLookbackBlocks ? head - Self.fallbackLookbackBlocks : 0
            let start = group.map { item -> UInt64 in
                guard let enqueued = item.row.enqueuedBlock else { return fallback }
                return enqueued > Self.enqueueMarginBlocks ? enqueued - Self.enqueueMarginBlocks : 0
            }.min() ?? fallback
            let queries = group.map { (authorizer: $0.transfer.from, nonce: $0.transfer.nonce) }
            var logs: [LogEntry] = []
            var from = min(start, head)
            while true {
                let to = min(head, from + Self.logRangeBlocks - 1)
                logs += try await chain.authorizationUsedLogs(token: token, queries, fromBlock: from, toBlock: .number(to),
                                                              events: [EventTopic.authorizationUsed, EventTopic.authorizationCanceled])
                if to >= head { break }
                from = to + 1
            }
            for log in logs where !log.removed && log.topics.count >= 3 && log.topics[0] == EventTopic.authorizationCanceled {
                guard let item = byKey[Self.key(try Address(bytes: Array(log.topics[1].bytes.suffix(20))), log.topics[2])] else { continue }
                found[item.row.id] = .cancelled(transaction: log.transactionHash, blockNumber: log.blockNumber)
            }
            let candidates = logs.filter { !$0.removed && $0.topics.count >= 3 && $0.topics[0] == EventTopic.authorizationUsed }
            let receipts = try await chain.receipts(candidates.map(\.transactionHash))
            for (log, receipt) in zip(candidates, receipts) {
                guard let item = byKey[Self.key(try Address(bytes: Array(log.topics[1].bytes.suffix(20))), log.topics[2])] else { continue }
                if let receipt, let pair = SettlementPair.find(in: receipt, token: token, authorization: item.transfer) {
                    found[item.row.id] = .paid(pair)
                } else if receipt != nil {
                    found[item.row.id] = .spentElsewhere(transaction: log.transactionHash, blockNumber: log.blockNumber)
                }
                // No receipt: the log's block was reorged out between the two calls; next tick.
            }
        }
        return found
    }

    private static func key(_ authorizer: Address, _ nonce: Bytes32) -> String {
        authorizer.lowercaseHex + nonce.hex
    }
}
