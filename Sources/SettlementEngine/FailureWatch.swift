import ChainClient
import Logging
import PaymentStore
import Postgres

/// Follows failed payments (and lost settlements) until the chain can no longer change them
/// (issue 16, scenarios 2 and 5; DESIGN invariant 4). A reverted receipt, a refused broadcast,
/// a token removed from the configuration or an operator's cancel end *our* attempt, not the
/// authorization: anyone holding it can still relay it, and a proof that it can never settle
/// (a nonce spent elsewhere) can be reorged out. So each watched payment's authorization is
/// judged (`AuthorizationFate`) whenever the head has moved and `interval` has passed: a use
/// that pays the receiver completes the payment and its tokens are minted once; a lost
/// settlement whose proof is gone is restored again; expiry or a use elsewhere in a final block
/// closes the watch. Runs on the coordinator, in the confirm loop.
struct FailureWatch: Sendable {
    let engine: SettlementEngine
    let database: PostgresSession
    let chain: EthereumRPC

    /// Most payments judged per look (the longest-unlooked-at first).
    static let batchLimit = 500
    /// Shortest time between two looks.
    static let interval: Duration = .seconds(2)

    var logger: Logger { engine.logger }

    /// One look, when due; `memory` holds when and at which head the last one ran.
    func check(_ settings: EngineSettings, memory: inout (at: ContinuousClock.Instant, head: UInt64)?) async throws {
        if let last = memory, last.at.duration(to: .now) < Self.interval { return }
        let batch = try await database.withConnection { conn in try PaymentQueue.watchedFailures(limit: Self.batchLimit, on: conn) }
        engine.unreadableRows.report(batch.unreadable, by: "failure watch")
        guard !batch.rows.isEmpty else { return }
        guard let blocks = try await FinalBlock.read(chain, finality: settings.finality) else { return }
        if let last = memory, last.head == blocks.head.number { return }
        // Noted before asking: a look that fails is made again at the next head, not every tick.
        memory = (.now, blocks.head.number)
        let fates = try await AuthorizationFateReader(chain: chain, range: engine.logRange).fates(of: batch.rows, at: blocks, settings: settings)

        // Rows whose authorization cannot be read have no fate: nothing can relay them.
        let decisions = batch.rows.map { row in (row, FailureWatchPlanner.decide(row, fate: fates[row.id])) }
        let settled = ConfirmPlanner.oneSettlementPerPair(decisions.map { item in
            if case .complete(let settlement) = item.1 { return (item.0, ConfirmDecision.settle(settlement)) }
            return (item.0, .wait)
        }).compactMap { item -> PaymentSettlement? in
            if case .settle(let settlement) = item.decision { return settlement }
            return nil
        }
        let settledIDs = Set(settled.map(\.paymentID))
        let lostRepaid = decisions.filter { $0.0.settlementLost != nil && settledIDs.contains($0.0.id) }.map(\.0.id)
        let reopen = decisions.filter { $0.1 == .reopen }.map(\.0.id)
        let close = decisions.compactMap { item -> (id: String, reason: String)? in
            if case .close(let reason) = item.1 { return (item.0.id, reason) }
            return nil
        }
        guard !settled.isEmpty || !reopen.isEmpty || !close.isEmpty else { return }
        let reopened = try await database.withConnection { conn in
            try conn.transaction { tx in
                try PaymentQueue.complete(settled, on: tx)
                try MintQueue.requeueLost(paymentIDs: lostRepaid, on: tx)
                try PaymentQueue.closeWatch(close.map(\.id), on: tx)
                return try PaymentQueue.reopenLost(reopen, on: tx)
            }
        }
        for settlement in settled {
            logger.notice("a failed payment was paid on chain after all; completed", metadata: [
                "payment_id": "\(settlement.paymentID)", "tx_hash": "\(settlement.txHash.hex)",
                "settled_by": "\(settlement.result["settled_by"]?.stringValue ?? "")"])
        }
        for id in reopened {
            logger.warning("the proof of a lost settlement was reorged out; restoring it", metadata: ["payment_id": "\(id)"])
        }
        if !close.isEmpty { logger.debug("failed payments final", metadata: ["count": "\(close.count)"]) }
        engine.events.publish(ids: settled.map(\.paymentID), status: .completed, txHashes: settled.map(\.txHash.hex))
        if !settled.isEmpty || !reopened.isEmpty { engine.mintWake.signal() }
        if !reopened.isEmpty { engine.sendWake.signal() }
    }
}
