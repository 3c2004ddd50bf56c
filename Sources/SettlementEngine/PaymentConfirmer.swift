import ChainClient
import Ethereum
import Foundation
import JSON
import Logging
import PaymentModel
import PaymentStore
import Postgres

/// The confirmation loop's I/O: every tick it gathers, in a few batches, what the chain says
/// about every unsettled payment (`sent`, and completed ones being restored after a reorg),
/// lets `ConfirmPlanner` decide each one, and carries the decisions out in one database
/// transaction plus the broadcasts they ask for. Then, on the coordinator, the `ReorgWatcher`
/// compares recorded settlement blocks with the canonical chain, the `FailureWatch` follows
/// failed payments the chain may still settle and, every ten seconds, the status counts'
/// deltas are folded (`StatusCounts`).
///
/// Facts are read in this order, each batch only for the payments the previous one left open:
/// signers' mined nonces (before receipts, so a nonce seen mined has its receipt below),
/// receipts of every transaction of every payment, `authorizationState` for payments none of
/// their own receipts settled, the transactions that used the authorizations found used, and
/// the node's pool for payments old enough to be broadcast again, bumped, or expired.
struct PaymentConfirmer: Sendable {
    let engine: SettlementEngine
    let database: PostgresSession
    let chain: EthereumRPC

    init(engine: SettlementEngine) {
        self.engine = engine
        database = PostgresSession(conninfo: engine.conninfo, name: "confirm-loop", setupSQL: DatabaseSetup.sql)
        chain = engine.chainClient(name: "rpc-confirm", timeoutMilliseconds: 15_000)
    }

    var logger: Logger { engine.logger }

    /// How often the coordinator folds the status counts' delta rows (one per writing
    /// statement: at 10,000 payments a minute some 3,000 rows between folds).
    static let countsFoldInterval: Duration = .seconds(10)

    /// How often a reorg check that keeps failing is reported again.
    static let reorgCheckReportInterval: Duration = .seconds(60)

    /// The confirm loop: every `confirm_interval_ms`, the unsettled payments, then the reorg
    /// watch. What it remembers between ticks (stalled signers, the canonical header window)
    /// lives in a `ConfirmLoopMemory` only this loop's task touches.
    var loop: EngineLoop {
        let memory = ConfirmLoopMemory()
        let reorgs = ReorgWatcher(engine: engine, database: database, chain: chain)
        let failures = FailureWatch(engine: engine, database: database, chain: chain)
        return EngineLoop(
            loop: .confirm, engine: engine,
            idle: { settings in try? await Task.sleep(for: .milliseconds(settings.confirmIntervalMilliseconds)) },
            recover: {},
            iteration: { settings in
                try await self.iterate(settings, stalls: &memory.stalls)
                // One instance (the coordinator) watches for reorgs; its actions are the
                // database's, so the others' rows are restored all the same.
                if await self.engine.leases.isCoordinator {
                    // A check that cannot run (an unreadable recorded block, a node that does
                    // not answer `finalized`) is reported, not fatal: failing the iteration
                    // would stop the confirm loop's heartbeat, and the watchdog would restart
                    // the daemon over and over for what a restart cannot fix.
                    do {
                        try await reorgs.check(settings, chain: &memory.canonical)
                    } catch {
                        if memory.reorgCheckReportedAt.map({ $0.duration(to: .now) >= Self.reorgCheckReportInterval }) ?? true {
                            self.logger.critical("the reorg check cannot run: settlements and mint batches are not re-checked until it can",
                                                 metadata: ["error": "\(error)"])
                            memory.reorgCheckReportedAt = .now
                        }
                    }
                    // A look that cannot be made (a node or token that does not answer) is
                    // reported and made again next time; it must not stop the confirm loop.
                    do {
                        try await failures.check(settings, memory: &memory.failureWatch)
                    } catch {
                        self.logger.error("cannot look at the watched failed payments this time", metadata: ["error": "\(error)"])
                    }
                    if memory.countsFoldedAt.duration(to: .now) >= Self.countsFoldInterval {
                        _ = try await self.database.withConnection { conn in try StatusCounts.fold(on: conn) }
                        memory.countsFoldedAt = .now
                    }
                }
                return false
            })
    }

    func iterate(_ settings: EngineSettings, stalls: inout NonceStallWatch) async throws {
        let batch = try await database.withConnection { conn in try PaymentQueue.unsettled(on: conn) }
        engine.unreadableRows.report(batch.unreadable, by: "confirm loop")
        // This instance confirms what its own lanes sent; rows without a signer (the replaced
        // system's, and restored ones not signed yet) are the coordinator's.
        let signers = await engine.paymentLanes.leasedAddresses
        let leased = Set(signers)
        let isCoordinator = await engine.leases.isCoordinator
        let allRows = batch.rows.filter { row in row.signer.map(leased.contains) ?? isCoordinator }
        let minedCounts = try await chain.transactionCounts(signers.map { ($0, BlockTag.latest) })
        let mined = Dictionary(uniqueKeysWithValues: zip(signers, minedCounts))
        await engine.paymentLanes.update(minedNonces: mined, inFlight: inFlight(allRows))
        for suspect in stalls.observe(mined: mined, waiting: allRows.compactMap(\.relaySlot), now: .now,
                                      patience: .seconds(settings.rebroadcastAfterSeconds)) {
            await engine.paymentLanes.suspectGap(suspect.signer, nonce: suspect.nonce)
        }
        // `confirm_batch_size` checks only the oldest sent payments this tick (`unsettled` is
        // ordered by sent time); the lanes above still count every one in flight.
        let rows = settings.confirmBatchSize > 0 ? Array(allRows.prefix(settings.confirmBatchSize)) : allRows
        guard !rows.isEmpty, let head = try await chain.block(.latest) else { return }

        var facts = ConfirmFacts(head: head, now: Date().timeIntervalSince1970, confirmationsRequired: settings.confirmationsRequired,
                                 rebroadcastAfterSeconds: Double(settings.rebroadcastAfterSeconds),
                                 feeBumpAfterSeconds: Double(settings.feeBumpAfterSeconds))
        facts.revertRetries = settings.revertRetries
        facts.minedNonces = mined
        // Only rows the chain can have news of are asked about (nonce passed, or old enough for
        // the age rules); the others wait this tick without a question to the node.
        let asked = rows.filter { ConfirmPlanner.needsChainLook($0, facts: facts) }
        facts.receipts = try await chain.receiptsByHash(asked.flatMap(\.allTransactionHashes))
        // A question the chain cannot answer now (a token that answers nonsense, a log query a
        // provider refuses) leaves those payments undecided this tick; it must not hold back
        // the ones already proven.
        let open = asked.filter { row in
            ConfirmPlanner.needsAuthorizationFacts(row, receipts: facts.receipts) && engine.configuration.paymentToken(row.paymentToken) != nil
        }
        // States as of the head the receipts were read against, so "used" always has its event
        // within the logs searched up to that head.
        facts.authorizationUsed = await authorizationStates(open, at: head.number)
        do {
            facts.uses = try await FrontRunLookup(chain: chain, range: engine.logRange, configuredRange: engine.currentSettings.logRangeBlocks).uses(for: open.filter { facts.authorizationUsed[$0.id] == true }, head: head.number)
        } catch {
            logger.error("cannot look up who used these authorizations this tick", metadata: ["error": "\(error)"])
            for row in open where facts.authorizationUsed[row.id] == true { facts.authorizationUsed[row.id] = nil }
        }
        let poolRows = asked.filter { ConfirmPlanner.needsPoolCheck($0, facts: facts) }
        if !poolRows.isEmpty {
            facts.known = try await chain.knownHashes(poolRows.flatMap(\.allTransactionHashes))
            facts.poolChecked = Set(poolRows.map(\.id))
        }

        let decisions = ConfirmPlanner.oneSettlementPerPair(asked.map { ($0, ConfirmPlanner.decide($0, facts: facts)) })
        try await carryOut(decisions, settings: settings)
    }

    // MARK: Carrying decisions out

    private func carryOut(_ decisions: [(row: PaymentRow, decision: ConfirmDecision)], settings: EngineSettings) async throws {
        var settled: [PaymentSettlement] = []
        var failed: [(id: String, error: String, releaseNonce: Bool, block: RecordedBlock?)] = []
        var lost: [(id: String, reason: String)] = []
        var requeued: [(id: String, reason: String)] = []
        var retried: [(id: String, reason: String, gasLimit: UInt64?)] = []
        var released: [(signer: Address, nonce: UInt64)] = []
        var rebroadcast: [PaymentRow] = []
        var bump: [PaymentRow] = []
        for (row, decision) in decisions {
            switch decision {
            case .settle(let settlement):
                settled.append(settlement)
            case .fail(let reason, let releaseNonce, let block):
                if row.isRestoring {
                    lost.append((row.id, reason))
                } else {
                    failed.append((row.id, reason, releaseNonce, block))
                }
                if releaseNonce, let slot = row.relaySlot { released.append(slot) }
            case .requeue(let reason):
                requeued.append((row.id, reason))
            case .retryAfterRevert(let reason, let gasLimit):
                retried.append((row.id, reason, gasLimit))
            case .rebroadcast:
                rebroadcast.append(row)
            case .bumpFees:
                bump.append(row)
            case .wait:
                break
            }
        }
        if !(settled.isEmpty && failed.isEmpty && lost.isEmpty && requeued.isEmpty && retried.isEmpty) {
            let (settledItems, failedItems, lostItems, requeuedItems, retriedItems) = (settled, failed, lost, requeued, retried)
            try await database.withConnection { conn in
                try conn.transaction { tx in
                    try PaymentQueue.complete(settledItems, on: tx)
                    try PaymentQueue.markConfirmationFailed(failedItems, on: tx)
                    try PaymentQueue.markSettlementLost(lostItems, on: tx)
                    try PaymentQueue.returnToPending(requeuedItems, on: tx)
                    try PaymentQueue.retryAfterRevert(retriedItems, on: tx)
                }
            }
            await engine.paymentLanes.release(released)
            report(settled: settled, failed: failed, lost: lost, requeued: requeued + retried.map { ($0.id, $0.reason) })
        }
        try await broadcastAgain(rebroadcast)
        try await bumpFees(bump, settings: settings)
    }

    private func report(settled: [PaymentSettlement], failed: [(id: String, error: String, releaseNonce: Bool, block: RecordedBlock?)],
                        lost: [(id: String, reason: String)], requeued: [(id: String, reason: String)]) {
        for settlement in settled {
            logger.info("payment completed", metadata: ["payment_id": "\(settlement.paymentID)", "tx_hash": "\(settlement.txHash)",
                                                        "settled_by": "\(settlement.result["settled_by"]?.stringValue ?? "")"])
        }
        for failure in failed {
            logger.warning("payment can no longer settle", metadata: ["payment_id": "\(failure.id)", "error": "\(failure.error)"])
        }
        for item in lost {
            logger.critical("settlement lost after a reorg: the payment stays completed, flagged",
                            metadata: ["payment_id": "\(item.id)", "reason": "\(item.reason)"])
        }
        engine.events.publish(ids: settled.map(\.paymentID), status: .completed, txHashes: settled.map(\.txHash.hex))
        engine.events.publish(ids: failed.map(\.id), status: .confirmationFailed, errors: failed.map(\.error))
        engine.events.publish(ids: requeued.map(\.id), status: .pending, errors: requeued.map(\.reason))
        if !settled.isEmpty { engine.mintWake.signal() }
        if !requeued.isEmpty { engine.sendWake.signal() }
    }

    /// A transaction the node no longer knows (dropped from its pool, lost in a node restart,
    /// orphaned by a reorg) would leave its nonce a gap that stalls every later one of its
    /// signer: its stored bytes are broadcast again.
    private func broadcastAgain(_ rows: [PaymentRow]) async throws {
        let raws = rows.compactMap(\.rawTx)
        guard !raws.isEmpty else { return }
        let outcomes = try await chain.sendRawTransactions(raws)
        logger.notice("broadcast dropped transactions again", metadata: [
            "count": "\(raws.count)", "accepted": "\(outcomes.filter { BroadcastVerdict($0) == .inPool }.count)",
            "payment_ids": "\(rows.map(\.id))"])
    }

    /// A transaction that sits unmined (its fees fell behind the base fee, or below what
    /// miners take) would let its authorization expire with the buyer never served: it is
    /// signed again at the same nonce with both fees raised by 12.5 % (nodes want at least 10 %
    /// to replace), up to `max_fee_per_gas_wei`. The new bytes are recorded as another attempt
    /// before they are broadcast; any attempt may be the one that mines.
    private func bumpFees(_ rows: [PaymentRow], settings: EngineSettings) async throws {
        guard !rows.isEmpty else { return }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: engine.feeEscalation.minimumTip(settings.priorityFeeWei),
                                                                       blocks: 5))
        var replacements: [SignedPaymentTransaction] = []
        for row in rows {
            guard let raw = row.rawTx, let signer = row.signer, let key = await engine.paymentLanes.key(for: signer) else { continue }
            let previous: SignedTransaction
            do {
                previous = try SignedTransaction.decode(raw: raw)
            } catch {
                logger.error("stored transaction cannot be decoded; not bumping its fees", metadata: ["payment_id": "\(row.id)", "error": "\(error)"])
                continue
            }
            guard let transaction = FeeBump.raised(previous.transaction, suggestion: suggestion, ceiling: settings.maxFeePerGasWei) else {
                logger.warning("cannot raise fees further: max_fee_per_gas_wei reached",
                               metadata: ["payment_id": "\(row.id)", "ceiling": "\(settings.maxFeePerGasWei)"])
                continue
            }
            let (tip, cap) = (transaction.maxPriorityFeePerGas, transaction.maxFeePerGas)
            let signed = transaction.sign(with: key)
            replacements.append(SignedPaymentTransaction(
                paymentID: row.id, signer: key.address, nonce: transaction.nonce, rawTx: signed.raw,
                attempt: TransactionAttempt(hash: signed.hash, nonce: transaction.nonce, maxFeePerGas: cap, maxPriorityFeePerGas: tip,
                                            at: Date().timeIntervalSince1970)))
        }
        guard !replacements.isEmpty else { return }
        let recorded = replacements
        try await database.withConnection { conn in
            try conn.transaction { tx in
                for replacement in recorded { try PaymentQueue.recordReplacement(replacement, on: tx) }
            }
        }
        let outcomes = try await chain.sendRawTransactions(recorded.map(\.rawTx))
        for (replacement, outcome) in zip(recorded, outcomes) {
            logger.notice("fees raised on a waiting transaction", metadata: [
                "payment_id": "\(replacement.paymentID)", "nonce": "\(replacement.nonce)", "tx_hash": "\(replacement.attempt.hash)",
                "tip": "\(replacement.attempt.maxPriorityFeePerGas)", "accepted": "\(BroadcastVerdict(outcome) == .inPool)"])
        }
    }

    /// `value` × 1.125, rounded up, plus one wei: always strictly above a 10 % bump.
    static func bumped(_ value: UInt256) -> UInt256 {
        let (eighth, _) = value.quotientAndRemainder(dividingBy: 8)
        let (sum, overflow) = value.addingReportingOverflow(eighth)
        return overflow ? .max : sum.addingReportingOverflow(1).partialValue
    }

    // MARK: Facts

    /// `authorizationState` per payment id, one batch per token; a token whose answer cannot be
    /// read leaves its payments out (undecided this tick), without stalling the others.
    private func authorizationStates(_ rows: [PaymentRow], at block: UInt64) async -> [String: Bool] {
        var result: [String: Bool] = [:]
        let readable = rows.compactMap { row in row.transfer.map { (row, $0) } }
        for (token, group) in Dictionary(grouping: readable, by: { $0.0.paymentToken }) {
            do {
                let states = try await chain.authorizationStates(token: token, group.map { (authorizer: $0.1.from, nonce: $0.1.nonce) },
                                                                 block: .number(block))
                for ((row, _), state) in zip(group, states) { result[row.id] = state }
            } catch {
                logger.error("cannot read authorization state; leaving those payments as they are",
                             metadata: ["token": "\(token.checksummed)", "error": "\(error)"])
            }
        }
        return result
    }

    private func inFlight(_ rows: [PaymentRow]) -> [Address: Int] {
        var counts: [Address: Int] = [:]
        for row in rows { if let slot = row.relaySlot { counts[slot.signer, default: 0] += 1 } }
        return counts
    }
}

/// What the confirm loop carries from one tick to the next.
final class ConfirmLoopMemory: @unchecked Sendable {
    // @unchecked Sendable: only the confirm loop's own task reads or writes these, one
    // iteration after another (`EngineLoop` never runs two iterations at once).
    var stalls = NonceStallWatch()
    var canonical: CanonicalChain?
    var countsFoldedAt = ContinuousClock.now
    /// When a failing reorg check was last reported.
    var reorgCheckReportedAt: ContinuousClock.Instant?
    /// When and at which head the failure watch last looked.
    var failureWatch: (at: ContinuousClock.Instant, head: UInt64)?
}
