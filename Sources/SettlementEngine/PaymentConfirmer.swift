import ChainClient
import Ethereum
import Foundation
import JSON
import Logging
import PaymentModel
import PaymentStore
import Postgres

/// The confirmation loop: every tick, every `sent` payment's transactions are looked up in one
/// batch (not 20 per 2 s), and each payment moves only on proof from the chain:
/// - a successful receipt with enough confirmations → `completed` with its mint jobs;
/// - a reverted receipt → `completed` if another transaction used the authorization (front-run),
///   else `confirmation_failed`;
/// - no receipt → stays `sent`, unless the authorization was used by someone else (→ completed),
///   the signer's nonce was consumed by a transaction that is not ours (→ queued again while the
///   authorization is valid), or the authorization expired with no attempt mined
///   (→ `confirmation_failed`). The replaced system's 5-minute timeout is not used: time alone
///   proves nothing (DESIGN invariant 4).
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

    func run() async {
        var stalls: [Address: (mined: UInt64, since: ContinuousClock.Instant)] = [:]
        while !Task.isCancelled {
            let settings = engine.settings.current
            do {
                try await iterate(settings, stalls: &stalls)
                engine.heartbeats.beat(.confirm)
            } catch {
                logger.error("confirm iteration failed", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(settings.confirmIntervalMilliseconds))
        }
    }

    func iterate(_ settings: EngineSettings, stalls: inout [Address: (mined: UInt64, since: ContinuousClock.Instant)]) async throws {
        let rows = try await database.withConnection { conn in try PaymentQueue.sent(on: conn) }
        let signers = await engine.paymentLanes.addresses
        // Nonces first, receipts second: a nonce seen mined here has its receipt below.
        let minedCounts = try await chain.transactionCounts(signers.map { ($0, BlockTag.latest) })
        let mined = Dictionary(uniqueKeysWithValues: zip(signers, minedCounts))
        await engine.paymentLanes.update(minedNonces: mined, inFlight: inFlight(rows))
        await watchForGaps(rows, mined: mined, settings: settings, stalls: &stalls)
        guard !rows.isEmpty else { return }
        guard let head = try await chain.block(.latest) else { return }

        let byHash = try await chain.receiptsByHash(rows.flatMap(\.allTransactionHashes))

        var outcome = ConfirmOutcome()
        var reverted: [PaymentRow] = []
        var unmined: [PaymentRow] = []
        for row in rows {
            let found = row.allTransactionHashes.compactMap { byHash[$0.lowercased()] }
            if let success = found.first(where: \.succeeded) {
                guard success.confirmations(head: head) >= settings.confirmationsRequired else { continue }
                let txHash = success.transactionHash.hex
                outcome.settled.append(PaymentSettlement(
                    paymentID: row.id, txHash: txHash, blockNumber: Int64(success.blockNumber), blockHash: success.blockHash.hex,
                    result: ["settled_by": "paymentd", "tx_hash": .string(txHash), "gas_used": .int(Int64(success.gasUsed))],
                    mints: MintPlan.jobs(for: row, settledBy: txHash)))
            } else if let failure = found.first {
                guard failure.confirmations(head: head) >= settings.confirmationsRequired else { continue }
                reverted.append(row)
            } else {
                unmined.append(row)
            }
        }
        // A question the chain cannot answer now (a log query a provider refuses, say) leaves
        // those rows for the next tick; it must not hold back the payments already proven.
        do {
            try await resolveReverted(reverted, settings: settings, outcome: &outcome)
        } catch {
            logger.error("cannot resolve reverted payments this tick", metadata: ["count": "\(reverted.count)", "error": "\(error)"])
        }
        do {
            try await resolveUnmined(unmined, head: head, mined: mined, settings: settings, outcome: &outcome)
        } catch {
            logger.error("cannot resolve unmined payments this tick", metadata: ["count": "\(unmined.count)", "error": "\(error)"])
        }
        try await write(outcome)
    }

    /// A signer whose mined count has not moved for `rebroadcast_after_seconds` while our
    /// transactions wait above it, with no row of ours holding the nonce it is stuck at, has a
    /// gap no rebroadcast can fill (a filler lost with the node's pool, a nonce given back by a
    /// write that failed). The sender is asked to check and release it.
    private func watchForGaps(_ rows: [PaymentRow], mined: [Address: UInt64], settings: EngineSettings,
                              stalls: inout [Address: (mined: UInt64, since: ContinuousClock.Instant)]) async {
        let now = ContinuousClock.now
        for (signer, count) in mined {
            guard let previous = stalls[signer], previous.mined == count else {
                stalls[signer] = (count, now)
                continue
            }
            guard now - previous.since > .seconds(settings.rebroadcastAfterSeconds) else { continue }
            let held = Set(rows.compactMap { row -> Int64? in
                guard let text = row.signer, (try? Address(hex: text)) == signer else { return nil }
                return row.nonce
            })
            if held.contains(where: { $0 > Int64(count) }) && !held.contains(Int64(count)) {
                await engine.paymentLanes.suspectGap(signer, nonce: count)
                stalls[signer] = (count, now)
            }
        }
    }

    /// A reverted attempt: paid anyway if another transaction used the authorization.
    private func resolveReverted(_ rows: [PaymentRow], settings: EngineSettings, outcome: inout ConfirmOutcome) async throws {
        guard !rows.isEmpty else { return }
        let front = try await FrontRunLookup(chain: chain, configuration: engine.configuration)
            .settlements(for: rows, confirmations: settings.confirmationsRequired)
        for row in rows {
            if let settlement = front[row.id] {
                outcome.settled.append(settlement)
            } else {
                outcome.failed.append((row.id, "transaction reverted on-chain and the authorization was not used", false))
            }
        }
    }

    private func resolveUnmined(_ candidates: [PaymentRow], head: BlockHeader, mined: [Address: UInt64], settings: EngineSettings,
                                outcome: inout ConfirmOutcome) async throws {
        // Rows in a token this daemon does not accept (left by the replaced system under another
        // configuration) can only be settled by a receipt of their own hash; the token's state
        // cannot be asked of a contract that is not there.
        let rows = candidates.filter { row in
            (try? Address(hex: row.paymentTokenAddress)).flatMap { engine.configuration.paymentToken($0) } != nil
        }
        guard !rows.isEmpty else { return }
        let used = try await authorizationStates(rows)
        let usedRows = rows.filter { used[$0.id] == true }
        let front = try await FrontRunLookup(chain: chain, configuration: engine.configuration)
            .settlements(for: usedRows, confirmations: settings.confirmationsRequired)
        var expiredSigned: [PaymentRow] = []
        var waiting: [PaymentRow] = []
        for row in rows {
            guard let state = used[row.id] else { continue }
            if state {
                // Used, but the using transaction is not yet deep enough: wait for it.
                if let settlement = front[row.id] { outcome.settled.append(settlement) }
                continue
            }
            let expired = row.validBeforeSeconds.map { $0 <= head.timestamp } ?? false
            if let signerText = row.signer, let signer = try? Address(hex: signerText), let nonce = row.nonce,
               let minedNonce = mined[signer], minedNonce > UInt64(nonce) {
                // The nonce is spent, by none of our attempts (none has a receipt).
                if expired {
                    outcome.failed.append((row.id, "authorization expired; the relaying nonce was taken by another transaction", true))
                } else {
                    outcome.requeued.append((row.id, "nonce \(nonce) of \(signerText) was taken by another transaction; queued again"))
                }
            } else if expired {
                expiredSigned.append(row)
            } else {
                waiting.append(row)
            }
        }
        try await failExpired(expiredSigned, outcome: &outcome)
        let dropped = try await rebroadcastDropped(waiting, settings: settings)
        try await bumpFees(waiting.filter { !dropped.contains($0.id) }, settings: settings)
    }

    /// A transaction that sits unmined (its fees fell behind the base fee, or below what
    /// miners take) would let its authorization expire with the buyer never served: after
    /// `fee_bump_after_seconds` it is signed again at the same nonce with both fees raised by
    /// 12.5 % (nodes want at least 10 % to replace), up to `max_fee_per_gas_wei`. The new bytes
    /// are recorded as another attempt before they are broadcast; any attempt may be the one
    /// that mines.
    private func bumpFees(_ rows: [PaymentRow], settings: EngineSettings) async throws {
        let cutoff = Date().timeIntervalSince1970 - Double(settings.feeBumpAfterSeconds)
        let due = rows.filter { row in row.rawTx != nil && (row.attempts.last?.at ?? row.createdAt) < cutoff }
        guard !due.isEmpty else { return }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: engine.feeEscalation.minimumTip(settings.priorityFeeWei),
                                                                       blocks: 5))
        var replacements: [SignedPaymentTransaction] = []
        for row in due {
            guard let raw = row.rawTx, let previous = try? SignedTransaction.decode(rawHex: raw),
                  let key = await engine.paymentLanes.key(for: previous.sender) else { continue }
            var transaction = previous.transaction
            let tip = max(Self.bumped(transaction.maxPriorityFeePerGas), suggestion.maxPriorityFeePerGas)
            let cap = max(Self.bumped(transaction.maxFeePerGas), suggestion.maxFeePerGas)
            guard cap <= settings.maxFeePerGasWei, tip <= cap else {
                logger.warning("cannot raise fees further: max_fee_per_gas_wei reached",
                               metadata: ["payment_id": "\(row.id)", "max_fee": "\(cap)", "ceiling": "\(settings.maxFeePerGasWei)"])
                continue
            }
            transaction.maxPriorityFeePerGas = tip
            transaction.maxFeePerGas = cap
            let signed = transaction.sign(with: key)
            replacements.append(SignedPaymentTransaction(
                paymentID: row.id, signer: previous.sender.checksummed, nonce: Int64(transaction.nonce), rawTx: signed.rawHex,
                attempt: TransactionAttempt(hash: signed.hash.hex, nonce: Int64(transaction.nonce), maxFeePerGas: cap.description,
                                            maxPriorityFeePerGas: tip.description, at: Date().timeIntervalSince1970)))
        }
        guard !replacements.isEmpty else { return }
        let recorded = replacements
        try await database.withConnection { conn in
            try conn.transaction { tx in
                for replacement in recorded { try PaymentQueue.recordReplacement(replacement, on: tx) }
            }
        }
        let outcomes = try await chain.sendRawTransactions(try recorded.map { try Hex.decode($0.rawTx) })
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

    /// A transaction the node no longer knows (dropped from its pool, or lost in a node
    /// restart) would leave its nonce a gap that stalls every later one of its signer: its
    /// stored bytes are broadcast again once it has waited `rebroadcast_after_seconds`.
    /// Returns the ids of the rows it broadcast again.
    private func rebroadcastDropped(_ rows: [PaymentRow], settings: EngineSettings) async throws -> Set<String> {
        let cutoff = Date().timeIntervalSince1970 - Double(settings.rebroadcastAfterSeconds)
        let old = rows.filter { ($0.sentAt ?? $0.processedAt ?? $0.createdAt) < cutoff && $0.rawTx != nil }
        guard !old.isEmpty else { return [] }
        let pooled = try await chain.knownHashes(old.flatMap(\.allTransactionHashes))
        let dropped = old.filter { row in !row.allTransactionHashes.contains { pooled.contains($0.lowercased()) } }
        guard !dropped.isEmpty else { return [] }
        let raws = dropped.compactMap { $0.rawTx }.compactMap { try? Hex.decode($0) }
        let outcomes = try await chain.sendRawTransactions(raws)
        let accepted = outcomes.filter { BroadcastVerdict($0) == .inPool }.count
        logger.notice("broadcast dropped transactions again",
                      metadata: ["count": "\(dropped.count)", "accepted": "\(accepted)", "payment_ids": "\(dropped.map(\.id))"])
        return Set(dropped.map(\.id))
    }

    /// Expired, unused, unmined: the payment can no longer settle. Its nonce is freed only if
    /// the node no longer holds any attempt (otherwise that transaction will mine and revert).
    private func failExpired(_ rows: [PaymentRow], outcome: inout ConfirmOutcome) async throws {
        guard !rows.isEmpty else { return }
        let pooled = try await chain.knownHashes(rows.flatMap(\.allTransactionHashes))
        for row in rows {
            let inPool = row.allTransactionHashes.contains { pooled.contains($0.lowercased()) }
            outcome.failed.append((row.id, "authorization expired before any attempt was mined", !inPool))
            if !inPool, let signerText = row.signer, let signer = try? Address(hex: signerText), let nonce = row.nonce {
                outcome.releasedNonces.append((signer, UInt64(nonce)))
            }
        }
    }

    private func authorizationStates(_ rows: [PaymentRow]) async throws -> [String: Bool] {
        var result: [String: Bool] = [:]
        for (_, tokenRows) in Dictionary(grouping: rows, by: { $0.paymentTokenAddress.lowercased() }) {
            guard let token = try? Address(hex: tokenRows[0].paymentTokenAddress) else { continue }
            var queried: [PaymentRow] = []
            var queries: [(authorizer: Address, nonce: Bytes32)] = []
            for row in tokenRows {
                guard let auth = row.authorization, let from = try? Address(hex: auth.from), let nonce = try? Bytes32(hex: auth.nonce) else { continue }
                queried.append(row)
                queries.append((from, nonce))
            }
            // One token's failure (a contract that answers nonsense) must not stall the others.
            do {
                let states = try await chain.authorizationStates(token: token, queries)
                for (row, state) in zip(queried, states) { result[row.id] = state }
            } catch {
                logger.error("cannot read authorization state; leaving those payments sent",
                             metadata: ["token": "\(token.checksummed)", "error": "\(error)"])
            }
        }
        return result
    }

    private func write(_ outcome: ConfirmOutcome) async throws {
        guard !outcome.isEmpty else { return }
        try await database.withConnection { conn in
            try conn.transaction { tx in
                try PaymentQueue.complete(outcome.settled, on: tx)
                try PaymentQueue.markConfirmationFailed(outcome.failed, on: tx)
                try PaymentQueue.returnToPending(outcome.requeued, on: tx)
            }
        }
        await engine.paymentLanes.release(outcome.releasedNonces)
        for settlement in outcome.settled {
            logger.info("payment completed", metadata: ["payment_id": "\(settlement.paymentID)", "tx_hash": "\(settlement.txHash)",
                                                        "settled_by": "\(settlement.result["settled_by"]?.stringValue ?? "")"])
        }
        for failure in outcome.failed {
            logger.warning("payment can no longer settle", metadata: ["payment_id": "\(failure.id)", "error": "\(failure.error)"])
        }
        engine.events.publish(ids: outcome.settled.map(\.paymentID), status: .completed, txHashes: outcome.settled.map(\.txHash))
        engine.events.publish(ids: outcome.failed.map(\.id), status: .confirmationFailed, errors: outcome.failed.map(\.error))
        engine.events.publish(ids: outcome.requeued.map(\.id), status: .pending, errors: outcome.requeued.map(\.reason))
        if !outcome.settled.isEmpty { engine.mintWake.signal() }
        if !outcome.requeued.isEmpty { engine.sendWake.signal() }
    }

    private func inFlight(_ rows: [PaymentRow]) -> [Address: Int] {
        var counts: [Address: Int] = [:]
        for row in rows { if let text = row.signer, let signer = try? Address(hex: text) { counts[signer, default: 0] += 1 } }
        return counts
    }
}

/// What one confirmation tick decided, written in one transaction.
struct ConfirmOutcome: Sendable {
    var settled: [PaymentSettlement] = []
    var failed: [(id: String, error: String, releaseNonce: Bool)] = []
    var requeued: [(id: String, reason: String)] = []
    var releasedNonces: [(signer: Address, nonce: UInt64)] = []

    var isEmpty: Bool { settled.isEmpty && failed.isEmpty && requeued.isEmpty }
}

extension PaymentRow {
    /// The authorization's deadline in unix seconds, when it fits.
    var validBeforeSeconds: UInt64? {
        authorization.flatMap { UInt256(decimal: $0.validBefore) }.map { $0.uint64Value ?? UInt64.max }
    }
}
