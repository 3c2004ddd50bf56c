import ChainClient
import Ethereum
import Foundation
import JSON
import Logging
import PaymentModel
import PaymentStore
import Postgres

/// The send loop: claims pending payments, signs one transaction each, records the signed bytes,
/// then broadcasts the whole batch in one JSON-RPC request and marks what the node took `sent`.
///
/// Order is the guarantee: bytes are committed to the database before any is broadcast
/// (invariant 2), and a nonce is taken back only when the node proved the transaction is in no
/// pool (invariant 3). Rows found `processing` at the start of an iteration are leftovers of a
/// broadcast whose answer was lost; their stored bytes are broadcast again.
struct PaymentSender: Sendable {
    let engine: SettlementEngine
    let database: PostgresSession
    let chain: EthereumRPC

    init(engine: SettlementEngine) {
        self.engine = engine
        database = PostgresSession(conninfo: engine.conninfo, name: "send-loop", setupSQL: DatabaseSetup.sql)
        chain = engine.chainClient(name: "rpc-send", timeoutMilliseconds: 15_000)
    }

    var logger: Logger { engine.logger }

    /// The send loop: it wakes at once on enqueue, else every `payment_batch_interval_ms`
    /// (under `send_pacing = interval` only the interval wakes it).
    var loop: EngineLoop {
        let engine = self.engine
        return EngineLoop(
            loop: .send, engine: engine,
            idle: { settings in
                let interval = Duration.milliseconds(settings.paymentBatchIntervalMilliseconds)
                switch settings.sendPacing {
                case .eager: await engine.sendWake.wait(timeout: interval)
                case .interval: try? await Task.sleep(for: interval)
                }
            },
            // After a failed iteration, what the lanes believe may differ from chain and database
            // (a commit whose outcome is unknown, nonces taken back by a write that failed):
            // rebuild them before handing out another nonce.
            recover: { try await NonceRecovery(engine: engine).run(paymentLanesOnly: true) },
            iteration: { settings in try await self.iterate(settings) })
    }

    /// One iteration; returns whether it did work (then the next starts at once).
    func iterate(_ settings: EngineSettings) async throws -> Bool {
        try await releaseSuspectedGaps(settings)
        try await rebroadcastLeftovers()
        try await resumePaidSigners(settings)
        if await engine.paymentLanes.allPaused { return false }
        let (claimed, signed) = try await sendBatch(settings)
        if claimed == 0 { try await fillHoles(settings) }
        // Busy only when a full batch went out: rows claimed but left pending (no free lane,
        // fees above the ceiling) wait for the interval instead of spinning.
        // Under `send_pacing = interval` never: one batch per interval, as the replaced system ran.
        return settings.sendPacing == .eager && signed >= settings.paymentBatchSize
    }

    // MARK: The batch

    private func sendBatch(_ settings: EngineSettings) async throws -> (claimed: Int, signed: Int) {
        let (claimed, records) = try await prepareBatch(settings)
        try await broadcast(records)
        return (claimed, records.count)
    }

    /// Claims, screens, signs and records a batch (one database transaction), without
    /// broadcasting. Returns how many rows were claimed and the recorded transactions. A crash
    /// right after this leaves exactly what recovery must handle: bytes stored, never broadcast.
    ///
    /// The claiming transaction stays open across the simulation, front-run and fee calls, so
    /// that the claimed rows stay locked until their outcome is written; every session sets
    /// `idle_in_transaction_session_timeout` (`DatabaseSetup`), so a loop stuck in a call cannot
    /// hold the rows (or a connection) for ever: the server ends the transaction and the
    /// rows are claimed again.
    func prepareBatch(_ settings: EngineSettings) async throws -> (claimed: Int, records: [SignedPaymentTransaction]) {
        var plan = SendPlan()
        var reserved: [(key: PrivateKey, nonce: UInt64)] = []
        let claimed: RowBatch<PaymentRow>
        do {
            claimed = try await database.withConnection { conn in
                try conn.execute("BEGIN")
                return try PaymentQueue.claimPending(limit: settings.paymentBatchSize, on: conn)
            }
            engine.unreadableRows.report(claimed.unreadable, by: "send loop")
            // A pending row that cannot be read can never be relayed: it fails, saying why.
            let unreadable = claimed.unreadable.map { (id: $0.id, error: "the payment cannot be read: \($0.error.description)") }
            guard !claimed.rows.isEmpty || !unreadable.isEmpty else {
                try await database.withConnection { conn in try conn.execute("ROLLBACK") }
                return (0, [])
            }
            let candidates = SendPlanner.candidates(claimed.rows, configuration: engine.configuration, into: &plan)
            var ready = candidates
            if settings.simulateBeforeSend, !candidates.isEmpty {
                let outcomes = try await chain.calls(candidates.map { CallRequest(to: $0.token, data: $0.calldata) })
                let facts = await revertFacts(candidates, outcomes)
                let verdicts = zip(outcomes, candidates).map { outcome, candidate in SimulationVerdict(outcome, facts: facts[candidate.row.id]) }
                let sorted = SendPlanner.sort(candidates, verdicts: verdicts, into: &plan)
                ready = sorted.ready
                try await settleUsed(sorted.used, confirmationsRequired: settings.confirmationsRequired, into: &plan)
            }
            if !ready.isEmpty {
                let fees = try await fees(settings)
                if fees != nil {
                    reserved = await engine.paymentLanes.reserve(count: ready.count, maxInFlight: settings.maxInFlightPerSigner)
                }
                SendPlanner.sign(ready, reserved: reserved, fees: fees, chainID: engine.configuration.chainID,
                                 gasLimit: settings.transferGasLimit, now: Date(), into: &plan)
            }
            let recorded = plan
            try await database.withConnection { conn in
                guard conn.isInTransaction else { throw SendError.claimLost }
                try PaymentQueue.markFailed(unreadable + recorded.failed.filter { !$0.row.isRestoring }.map { ($0.row.id, $0.error) }, on: conn)
                try PaymentQueue.markSettlementLost(recorded.failed.filter(\.row.isRestoring).map { ($0.row.id, $0.error) }, on: conn)
                try PaymentQueue.complete(recorded.settled, on: conn)
                try PaymentQueue.deferTransient(recorded.deferred, on: conn)
                try PaymentQueue.postpone(recorded.waiting, seconds: SendPlan.waitingBackoffSeconds, on: conn)
                try PaymentQueue.recordSigned(recorded.signed, on: conn)
                try conn.execute("COMMIT")
            }
        } catch {
            await engine.paymentLanes.release(reserved.map { ($0.key.address, $0.nonce) })
            try? await database.withConnection { conn in if conn.isInTransaction { try conn.execute("ROLLBACK") } }
            // The loop rebuilds the lanes before its next iteration (the COMMIT may or may not
            // have happened).
            throw error
        }
        publish(plan)
        // Give back nonces reserved for candidates that were not signed.
        if reserved.count > plan.signed.count {
            await engine.paymentLanes.release(reserved[plan.signed.count...].map { ($0.key.address, $0.nonce) })
        }
        return (claimed.rows.count + claimed.unreadable.count, plan.signed)
    }

    /// For the candidates whose simulation reverted: the token's `authorizationState` and the
    /// head's timestamp, so the verdict stands on facts rather than on the revert's words (in
    /// one batch per token plus one header). Missing when they cannot be read now.
    private func revertFacts(_ candidates: [SendCandidate], _ outcomes: [CallOutcome]) async -> [String: SimulationVerdict.Facts] {
        let reverted = zip(candidates, outcomes).compactMap { candidate, outcome -> (SendCandidate, TransferWithAuthorization)? in
            guard case .reverted = outcome, let transfer = candidate.row.transfer else { return nil }
            return (candidate, transfer)
        }
        guard !reverted.isEmpty else { return [:] }
        do {
            guard let head = try await chain.block(.latest) else { return [:] }
            var facts: [String: SimulationVerdict.Facts] = [:]
            for (token, group) in Dictionary(grouping: reverted, by: { $0.0.token }) {
                let states = try await chain.authorizationStates(token: token, group.map { (authorizer: $0.1.from, nonce: $0.1.nonce) },
                                                                 block: .number(head.number))
                for ((candidate, transfer), used) in zip(group, states) {
                    facts[candidate.row.id] = SimulationVerdict.Facts(used: used, now: head.timestamp, validAfter: transfer.validAfter.uint64Value ?? .max,
                                                                      validBefore: transfer.validBefore.uint64Value ?? .max)
                }
            }
            return facts
        } catch {
            logger.warning("cannot read the authorizations of reverted simulations; judging by the revert alone", metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// Looks up who used the authorizations the token says are used, and decides them.
    private func settleUsed(_ used: [SendCandidate], confirmationsRequired: Int, into plan: inout SendPlan) async throws {
        guard !used.isEmpty else { return }
        let uses: [String: AuthorizationUse]
        let head: UInt64
        do {
            // A pair `confirmations_required` deep is the proof (the reorg watcher re-checks it until final).
            head = try await chain.blockNumber()
            uses = try await FrontRunLookup(chain: chain, range: engine.logRange, configuredRange: engine.currentSettings.logRangeBlocks).uses(for: used.map(\.row), head: head)
        } catch {
            // Leave them pending for another look; the rest of the batch goes on.
            logger.error("cannot look up who used these authorizations", metadata: ["count": "\(used.count)", "error": "\(error)"])
            for candidate in used { plan.wait(candidate.row.id) }
            return
        }
        SendPlanner.settleUsed(used, uses: uses, head: head, confirmationsRequired: confirmationsRequired, into: &plan)
    }

    private func fees(_ settings: EngineSettings) async throws -> FeeSuggestion? {
        let fees = try await chain.fees(minimumTip: engine.feeEscalation.minimumTip(settings.priorityFeeWei), ceiling: settings.maxFeePerGasWei)
        if fees == nil { logger.warning("fees above max_fee_per_gas_wei; waiting", metadata: ["ceiling": "\(settings.maxFeePerGasWei)"]) }
        return fees
    }

    // MARK: Broadcast

    /// Broadcasts recorded transactions (signer, then nonce order) and files each by the node's
    /// answer (`BroadcastTriage`). A transport failure leaves every one `processing`, to be
    /// broadcast again.
    func broadcast(_ records: [SignedPaymentTransaction], leftovers: Bool = false) async throws {
        guard !records.isEmpty else { return }
        let ordered = records.sorted { ($0.signer.lowercaseHex, $0.nonce) < ($1.signer.lowercaseHex, $1.nonce) }
        let outcomes = try await chain.sendRawTransactions(ordered.map(\.rawTx))
        let triage = BroadcastTriage(ordered, outcomes: outcomes, leftovers: leftovers)
        let sentIDs = triage.sent.map(\.paymentID), takeBack = triage.takenBack, failed = triage.failed, deferred = triage.deferred
        try await database.withConnection { conn in
            try conn.transaction { tx in
                try PaymentQueue.markSent(sentIDs, on: tx)
                try PaymentQueue.returnToPending(takeBack, on: tx)
                // A completed payment being restored is never failed: `markFailed` leaves it and
                // it is signed again later, until its authorization expires.
                try PaymentQueue.markFailed(failed, on: tx)
                try PaymentQueue.deferTransient(failed.map { ($0.id, $0.error) } + deferred, on: tx)
            }
        }
        await engine.paymentLanes.release(triage.released)
        for (record, message) in triage.unknown {
            logger.warning("broadcast outcome unknown; will broadcast again",
                           metadata: ["payment_id": "\(record.paymentID)", "tx_hash": "\(record.attempt.hash.hex)", "error": "\(message)"])
        }
        if triage.priceRefused {
            engine.feeEscalation.escalate()
            logger.warning("transactions refused as underpriced; raising the tip", metadata: ["tip_percent": "\(engine.feeEscalation.current)"])
        } else if !triage.sent.isEmpty {
            engine.feeEscalation.relax()
        }
        for (signer, reason) in triage.paused {
            await engine.paymentLanes.pause(signer, reason: reason)
            logger.critical("signer paused", metadata: ["signer": "\(signer.checksummed)", "reason": "\(reason)"])
        }
        engine.events.publish(ids: sentIDs, status: .sent, txHashes: triage.sent.map(\.attempt.hash.hex))
        engine.events.publish(ids: takeBack.map(\.id), status: .pending, errors: takeBack.map(\.reason))
        engine.events.publish(ids: failed.map(\.id), status: .failed, errors: failed.map(\.error))
        engine.events.publish(ids: deferred.map(\.id), status: .pending, errors: deferred.map(\.reason))
        if !sentIDs.isEmpty { logger.debug("batch sent", metadata: ["count": "\(sentIDs.count)"]) }
    }

    /// Broadcasts again the stored bytes of rows left `processing`.
    private func rebroadcastLeftovers() async throws {
        let batch = try await database.withConnection { conn in try PaymentQueue.processing(on: conn) }
        engine.unreadableRows.report(batch.unreadable, by: "send loop")
        // Only this instance's lanes: another instance broadcasts its own leftovers.
        let leased = Set(await engine.paymentLanes.leasedAddresses)
        let isCoordinator = await engine.leases.isCoordinator
        let rows = batch.rows.filter { row in row.signer.map(leased.contains) ?? isCoordinator }
        let records = rows.compactMap { row -> SignedPaymentTransaction? in
            guard let raw = row.rawTx, let signer = row.signer, let nonce = row.nonce, let hash = row.txHash else { return nil }
            let attempt = row.attempts.last ?? TransactionAttempt(hash: hash, nonce: nonce, maxFeePerGas: .zero, maxPriorityFeePerGas: .zero, at: 0)
            return SignedPaymentTransaction(paymentID: row.id, signer: signer, nonce: nonce, rawTx: raw, attempt: attempt)
        }
        // Legacy rows (the replaced system's) never stored bytes: queue them to be signed anew.
        // If their old transaction did go out, the new one reverts and the confirmer finds
        // the authorization used by that transaction: paid once either way.
        let unsigned = rows.filter { $0.rawTx == nil }.map { (id: $0.id, reason: "left processing without a signed transaction; queued again") }
        if !unsigned.isEmpty {
            try await database.withConnection { conn in try PaymentQueue.returnToPending(unsigned, on: conn) }
        }
        if !records.isEmpty {
            logger.notice("broadcasting stored transactions again", metadata: ["count": "\(records.count)"])
            try await broadcast(records, leftovers: true)
        }
    }

    // MARK: Signers

    /// Releases the gaps the confirmer suspects once the database confirms no record holds
    /// them; a nonce some record holds (a payment of any status, a mint batch, a filler) is
    /// given its recorded bytes again instead (DESIGN invariant 7: a nonce the chain forgot is
    /// re-used only by the bytes recorded for it; a filler waiting there since
    /// `fee_bump_after_seconds` is re-signed with higher fees first, `FillerRepricing`). Runs at
    /// the start of an iteration, when no nonce of this loop is reserved but unrecorded.
    private func releaseSuspectedGaps(_ settings: EngineSettings) async throws {
        let suspects = await engine.paymentLanes.takeSuspectedGaps()
        guard !suspects.isEmpty else { return }
        var released: [(signer: Address, nonce: UInt64)] = []
        var recorded: [[UInt8]] = []
        for suspect in suspects {
            let records = try await database.withConnection { conn in
                try NonceRecords.at(signer: suspect.signer, from: suspect.nonce, on: conn)
            }
            if let record = records.first(where: { $0.nonce == suspect.nonce }) {
                if record.source == .filler, let key = await engine.paymentLanes.key(for: suspect.signer) {
                    recorded += try await repricedFiller(key: key, nonce: suspect.nonce, settings: settings)
                } else if let raw = record.rawTx {
                    recorded.append(raw)
                }
            } else {
                released.append(suspect)
            }
        }
        if !recorded.isEmpty {
            let outcomes = try await chain.sendRawTransactions(recorded)
            logger.notice("broadcast recorded transactions at stalled nonces again",
                          metadata: ["count": "\(recorded.count)", "accepted": "\(outcomes.filter { BroadcastVerdict($0) == .inPool }.count)"])
        }
        guard !released.isEmpty else { return }
        logger.warning("nonce gaps found while running; filling them", metadata: ["gaps": "\(released.map { "\($0.signer.checksummed)#\($0.nonce)" })"])
        await engine.paymentLanes.releaseGaps(released)
    }

    /// The bytes to broadcast for `key`'s filler at `nonce`, raised in price when it has waited.
    private func repricedFiller(key: PrivateKey, nonce: UInt64, settings: EngineSettings) async throws -> [[UInt8]] {
        let fillers = try await database.withConnection { conn in try NonceFillers.from(signer: key.address, nonce: nonce, on: conn) }
            .filter { $0.nonce == nonce }
        return try await FillerRepricing(database: database, chain: chain, logger: logger)
            .bytes(for: fillers, key: key, settings: settings, minimumTip: engine.feeEscalation.minimumTip(settings.priorityFeeWei))
    }

    /// A paused signer resumes once its balance covers a few transactions at current fees.
    private func resumePaidSigners(_ settings: EngineSettings) async throws {
        let paused = await engine.paymentLanes.pausedSigners()
        guard !paused.isEmpty else { return }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: settings.priorityFeeWei, blocks: 5))
        let (perTransaction, overflow) = UInt256(settings.transferGasLimit).multipliedReportingOverflow(by: suggestion.maxFeePerGas)
        let needed = overflow ? UInt256.max : perTransaction.multipliedReportingOverflow(by: 3).partialValue
        for signer in paused {
            let balance = try await chain.balance(signer)
            if balance >= needed {
                await engine.paymentLanes.resume(signer)
                logger.notice("signer resumed", metadata: ["signer": "\(signer.checksummed)", "balance": "\(balance)"])
            }
        }
    }

    /// Holes below a lane's next nonce stall every later transaction of that signer. With no
    /// payment to put in them, fill them with a zero-value transfer to itself, recorded before
    /// it is broadcast (so after a crash or a reorg the nonce is re-used only by these bytes).
    private func fillHoles(_ settings: EngineSettings) async throws {
        for key in await engine.paymentLanes.leasedKeys {
            let holes = await engine.paymentLanes.holes(of: key.address)
            guard !holes.isEmpty, let fees = try await fees(settings) else { continue }
            let fillers = holes.map { nonce in
                let signed = EIP1559Transaction(chainId: engine.configuration.chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                                maxFeePerGas: fees.maxFeePerGas, gasLimit: 21_000, to: key.address, value: .zero, data: []).sign(with: key)
                return NonceFiller(signer: key.address, nonce: nonce, rawTx: signed.raw, txHash: signed.hash)
            }
            let recorded = try await database.withConnection { conn in try NonceFillers.record(fillers, on: conn) }
            let outcomes = try await chain.sendRawTransactions(recorded.map(\.rawTx))
            var filled: [UInt64] = []
            for (filler, outcome) in zip(recorded, outcomes) where BroadcastVerdict(outcome) == .inPool { filled.append(filler.nonce) }
            logger.notice("filled nonce holes", metadata: ["signer": "\(key.address.checksummed)", "nonces": "\(filled)"])
            // A recorded filler holds its nonce whether or not the node took it now (a nonce
            // that had one already keeps that one): the lane hands these out no more, and a
            // filler the node refused is broadcast again when the signer stalls at its nonce.
            await engine.paymentLanes.markFilled(key.address, nonces: holes)
        }
    }

    private func publish(_ plan: SendPlan) {
        let failed = plan.failed.filter { !$0.row.isRestoring }
        engine.events.publish(ids: failed.map(\.row.id), status: .failed, errors: failed.map(\.error))
        engine.events.publish(ids: plan.settled.map(\.paymentID), status: .completed, txHashes: plan.settled.map(\.txHash.hex))
        if !plan.settled.isEmpty { engine.mintWake.signal() }
    }
}

enum SendError: Error {
    /// The claiming transaction ended (its connection broke) before the signed bytes were recorded.
    case claimLost
}
