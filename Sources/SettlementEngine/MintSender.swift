import ChainClient
import Ethereum
import Foundation
import JSON
import Logging
import PaymentModel
import PaymentStore
import Postgres

/// The mint loop: settles open batchMint transactions, then sends new batches of mint jobs from
/// the minter signer, by the same rules as payments (signed bytes recorded before broadcast,
/// nonces from a lane).
///
/// Exactly once: every job's dedupe hash is checked with `hasMinted` before it is batched
/// (a job minted by an earlier, lost batch is marked done instead of sent again), and a batch
/// that reverts (the contract's `AlreadyMinted` reverts the whole batch) has its minted jobs
/// marked done and the rest queued for another batch (DESIGN invariant 5).
struct MintSender: Sendable {
    let engine: SettlementEngine
    let database: PostgresSession
    let chain: EthereumRPC

    init(engine: SettlementEngine) {
        self.engine = engine
        database = PostgresSession(conninfo: engine.conninfo, name: "mint-loop", setupSQL: DatabaseSetup.sql)
        chain = engine.chainClient(name: "rpc-mint", timeoutMilliseconds: 15_000)
    }

    var logger: Logger { engine.logger }

    /// The mint loop: it wakes when payments complete, else every `batch_interval_seconds`.
    /// RPC or database trouble fails an iteration with the jobs left pending (nothing counts
    /// against them) and the loop tries again after the backoff.
    var loop: EngineLoop {
        let engine = self.engine
        return EngineLoop(
            loop: .mint, engine: engine,
            idle: { settings in await engine.mintWake.wait(timeout: .seconds(settings.mintBatchIntervalSeconds)) },
            recover: {},
            iteration: { settings in try await self.iterate(settings) })
    }

    /// Returns whether it sent a full batch (then the next iteration starts at once).
    func iterate(_ settings: EngineSettings) async throws -> Bool {
        // Minting is the coordinator's (one instance at a time holds the minter's nonces).
        guard let minter = engine.configuration.minter, await engine.mintLanes.isLeased(minter.address),
              let head = try await chain.block(.latest) else { return false }
        let mined = try await chain.transactionCount(minter.address)
        let open = try await database.withConnection { conn in try MintQueue.openBatches(on: conn) }
        engine.unreadableRows.report(open.unreadable, by: "mint loop")
        // The minter's unsettled batches count against `max_in_flight_per_signer` (before, the
        // count was reset to none every iteration, so the cap never held for the minter).
        await engine.mintLanes.update(minedNonces: [minter.address: mined],
                                      inFlight: [minter.address: open.rows.filter { $0.signer == minter.address && $0.nonce != nil }.count])
        try await resumeIfFunded(minter, settings: settings)
        try await broadcastUnminedFillers(minter, minedNonce: mined, settings: settings)
        try await settleOpenBatches(open.rows, settings: settings, minter: minter, minedNonce: mined, head: head)
        return try await sendBatch(minter: minter, settings: settings, head: head)
    }

    // MARK: Settling

    /// A minter paused for lack of gas money resumes once it can pay for a large batch.
    private func resumeIfFunded(_ minter: PrivateKey, settings: EngineSettings) async throws {
        guard await engine.mintLanes.pausedSigners().contains(minter.address) else { return }
        let fees = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: settings.priorityFeeWei, blocks: 5))
        let (needed, overflow) = fees.maxFeePerGas.multipliedReportingOverflow(by: UInt256(2_000_000))
        let balance = try await chain.balance(minter.address)
        if !overflow && balance >= needed {
            await engine.mintLanes.resume(minter.address)
            logger.notice("minter resumed", metadata: ["minter": "\(minter.address.checksummed)", "balance": "\(balance)"])
        }
    }

    private func settleOpenBatches(_ open: [MintBatchRow], settings: EngineSettings, minter: PrivateKey, minedNonce: UInt64,
                                   head: BlockHeader) async throws {
        var batches = open
        guard !batches.isEmpty else { return }
        // Read before the receipts: a batch found unpaid here and unmined below is replaced.
        let ids = batches.map(\.id)
        let unpaid = try await database.withConnection { conn in try MintQueue.batchesAwaitingPayment(ids, on: conn) }
        // Batches recorded but maybe never broadcast: broadcast their bytes (again).
        let unsent = batches.filter { $0.status == .processing }
        if !unsent.isEmpty { try await broadcast(unsent) }

        let byHash = try await chain.receiptsByHash(batches.flatMap(\.allTransactionHashes))
        var waiting: [MintBatchRow] = []
        var replaced: Set<Int64> = []
        for batch in batches where unpaid.contains(batch.id) && !batch.allTransactionHashes.contains(where: { byHash[$0] != nil }) {
            if try await replaceUnpaid(batch, minter: minter, settings: settings) { replaced.insert(batch.id) }
        }
        batches.removeAll { replaced.contains($0.id) }
        for batch in batches {
            guard let receipt = batch.allTransactionHashes.compactMap({ byHash[$0] }).first else {
                if unpaid.contains(batch.id) { continue }
                if let nonce = batch.nonce, nonce < minedNonce {
                    // Its nonce was used by a transaction that is none of its attempts: it can
                    // never mine. Jobs already minted are done, the rest go to another batch.
                    try await closeReverted(batch, status: .abandoned, reason: "nonce taken by another transaction")
                } else if batch.status == .sent {
                    waiting.append(batch)
                }
                continue
            }
            guard receipt.confirmations(head: head) >= settings.confirmationsRequired else { continue }
            if receipt.succeeded {
                let block = RecordedBlock(number: receipt.blockNumber, hash: receipt.blockHash)
                try await database.withConnection { conn in
                    try MintQueue.completeBatch(id: batch.id, txHash: receipt.transactionHash, block: block, on: conn)
                }
                logger.info("mint batch completed", metadata: ["batch": "\(batch.id)", "jobs": "\(batch.jobIDs.count)",
                                                               "tx_hash": "\(receipt.transactionHash.hex)"])
            } else {
                try await closeReverted(batch, block: RecordedBlock(number: receipt.blockNumber, hash: receipt.blockHash))
            }
        }
        try await rebroadcastDropped(waiting, settings: settings)
        try await bumpStuck(waiting, minter: minter, settings: settings)
    }

    /// A batch that sits unmined (its fees fell behind the base fee, or below what miners take)
    /// would stall every later mint: it is signed again at the same nonce with both fees raised
    /// by 12.5 % (at least the current suggestion), up to `max_fee_per_gas_wei`, like a payment
    /// transaction (found by reading, issue 16: batches kept their first fees forever). The new
    /// bytes are recorded as another attempt before they are broadcast.
    private func bumpStuck(_ batches: [MintBatchRow], minter: PrivateKey, settings: EngineSettings) async throws {
        let now = Date().timeIntervalSince1970
        let stuck = batches.filter { batch in
            batch.signer == minter.address && batch.rawTx != nil && batch.nonce != nil
                && now - (batch.attempts.last?.at ?? batch.createdAt.timeIntervalSince1970) >= Double(settings.feeBumpAfterSeconds)
        }
        guard !stuck.isEmpty else { return }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: settings.priorityFeeWei, blocks: 5))
        for batch in stuck {
            guard let raw = batch.rawTx, let nonce = batch.nonce, let previous = try? SignedTransaction.decode(raw: raw).transaction else {
                logger.error("a mint batch's stored transaction cannot be decoded; not raising its fees", metadata: ["batch": "\(batch.id)"])
                continue
            }
            guard let transaction = FeeBump.raised(previous, suggestion: suggestion, ceiling: settings.maxFeePerGasWei) else {
                logger.warning("cannot raise a mint batch's fees further: max_fee_per_gas_wei reached",
                               metadata: ["batch": "\(batch.id)", "ceiling": "\(settings.maxFeePerGasWei)"])
                continue
            }
            let (tip, cap) = (transaction.maxPriorityFeePerGas, transaction.maxFeePerGas)
            let signed = transaction.sign(with: minter)
            let attempt = TransactionAttempt(hash: signed.hash, nonce: nonce, maxFeePerGas: cap, maxPriorityFeePerGas: tip, at: now)
            try await database.withConnection { conn in
                try MintQueue.recordBatchReplacement(id: batch.id, nonce: nonce, rawTx: signed.raw, attempt: attempt, on: conn)
            }
            let outcome = try await chain.sendRawTransactions([signed.raw])
            logger.notice("fees raised on a waiting mint batch", metadata: [
                "batch": "\(batch.id)", "nonce": "\(nonce)", "tx_hash": "\(signed.hash.hex)", "tip": "\(tip)",
                "accepted": "\(outcome.first.map { BroadcastVerdict($0) == .inPool } ?? false)"])
        }
    }

    /// The minter's recorded fillers not mined yet (one that replaced an unpaid batch, its
    /// broadcast lost to a crash or a node error) go to the node again: each holds a nonce the
    /// minter's later batches wait behind, so one that waits too long is re-signed with higher
    /// fees first (`FillerRepricing`).
    private func broadcastUnminedFillers(_ minter: PrivateKey, minedNonce: UInt64, settings: EngineSettings) async throws {
        let fillers = try await database.withConnection { conn in try NonceFillers.from(signer: minter.address, nonce: minedNonce, on: conn) }
        guard !fillers.isEmpty else { return }
        let repricing = FillerRepricing(database: database, chain: chain, logger: logger)
        _ = try await chain.sendRawTransactions(try await repricing.bytes(for: fillers, key: minter, settings: settings,
                                                                        minimumTip: settings.priorityFeeWei))
    }

    /// A batch reopened by a reorg whose payments are not settled on the current chain (being
    /// restored, or lost because the payer spent the nonce elsewhere) must never mine: its
    /// recorded bytes would mint tokens nobody paid for (issue 16, scenario 1). Its nonce is
    /// taken by a zero-value filler priced above every attempt of the batch (so it replaces
    /// one still in some pool), recorded before broadcast like every transaction, and the
    /// batch is closed without a nonce, its jobs back to `pending`, where they wait for their
    /// payments to settle (or fail with a lost one). Returns whether it was replaced.
    private func replaceUnpaid(_ batch: MintBatchRow, minter: PrivateKey, settings: EngineSettings) async throws -> Bool {
        guard let nonce = batch.nonce, batch.signer == minter.address else { return false }
        let suggestion = try await chain.suggestFees(policy: FeePolicy(minimumPriorityFee: settings.priorityFeeWei, blocks: 5))
        let highest = batch.attempts.last
        let tip = max(suggestion.maxPriorityFeePerGas, PaymentConfirmer.bumped(highest?.maxPriorityFeePerGas ?? .zero))
        let cap = max(suggestion.maxFeePerGas, PaymentConfirmer.bumped(highest?.maxFeePerGas ?? .zero), tip)
        let signed = EIP1559Transaction(chainId: engine.configuration.chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: cap,
                                        gasLimit: 21_000, to: minter.address, value: .zero, data: []).sign(with: minter)
        let filler = NonceFiller(signer: minter.address, nonce: nonce, rawTx: signed.raw, txHash: signed.hash)
        let recorded = try await database.withConnection { conn in
            try conn.transaction { tx -> [NonceFiller] in
                let recorded = try NonceFillers.record([filler], on: tx)
                let existing = recorded.isEmpty ? try NonceFillers.from(signer: minter.address, nonce: nonce, on: tx).first { $0.nonce == nonce } : nil
                let held = recorded.first ?? existing
                guard held != nil else { return [] }
                try MintQueue.closeBatch(id: batch.id, status: .abandoned,
                                         error: "reopened by a reorg with payments not settled on the current chain; nonce \(nonce) replaced by a filler",
                                         alreadyMintedJobIDs: [], nonceConsumed: false, on: tx)
                try MintQueue.failForLostSettlements(jobIDs: batch.jobIDs, on: tx)
                return held.map { [$0] } ?? []
            }
        }
        guard let held = recorded.first else { return false }
        let outcome = try await chain.sendRawTransactions([held.rawTx])
        logger.critical("a reorged-out mint batch's payments are not settled: its nonce is replaced so it never mints", metadata: [
            "batch": "\(batch.id)", "nonce": "\(nonce)", "filler": "\(held.txHash.hex)", "jobs": "\(batch.jobIDs.count)",
            "accepted": "\(outcome.first.map { BroadcastVerdict($0) == .inPool } ?? false)"])
        return true
    }

    /// A batch the node no longer knows would leave the minter's nonce a gap: broadcast its
    /// stored bytes again once it has waited `rebroadcast_after_seconds`.
    private func rebroadcastDropped(_ batches: [MintBatchRow], settings: EngineSettings) async throws {
        let cutoff = Date().timeIntervalSince1970 - Double(settings.rebroadcastAfterSeconds)
        let old = batches.filter { $0.createdAt.timeIntervalSince1970 < cutoff }
        guard !old.isEmpty else { return }
        let pooled = try await chain.knownHashes(old.flatMap(\.allTransactionHashes))
        let dropped = old.filter { batch in !batch.allTransactionHashes.contains { pooled.contains($0) } }
        let raws = dropped.compactMap(\.rawTx)
        guard !raws.isEmpty else { return }
        _ = try await chain.sendRawTransactions(raws)
        logger.notice("broadcast dropped mint batches again", metadata: ["batches": "\(dropped.map(\.id))"])
    }

    /// A reverted batch: jobs already minted (by an earlier batch, or someone else) are done; the
    /// others go back to pending for the next batch.
    private func closeReverted(_ batch: MintBatchRow, status: MintBatchStatus = .reverted,
                               reason: String = "batchMint reverted", block: RecordedBlock? = nil) async throws {
        // A job the contract does not say is minted goes back to pending, where it is judged
        // on its own (`MintBatchPlan`: a legacy job's malformed hash fails that job there, with
        // its reason, not this loop); here it only cannot be one the contract has minted.
        let readable = zip(batch.jobIDs, batch.dedupeHashes).compactMap { job, text in (try? Bytes32(hex: text)).map { (job, $0) } }
        var minted: [String] = []
        if !readable.isEmpty {
            let states = try await chain.mintedStates(token: batch.token, hashes: readable.map(\.1))
            minted = zip(readable, states).filter { $0.1 == true }.map(\.0.0)
        }
        let done = minted
        try await database.withConnection { conn in
            try MintQueue.closeBatch(id: batch.id, status: status, error: "\(reason); unminted jobs queued again",
                                     alreadyMintedJobIDs: done, nonceConsumed: true, block: block, on: conn)
        }
        logger.warning("mint batch reverted", metadata: ["batch": "\(batch.id)", "already_minted": "\(done.count)",
                                                          "requeued": "\(batch.jobIDs.count - done.count)"])
        engine.mintWake.signal()
    }

    // MARK: Sending

    private func sendBatch(minter: PrivateKey, settings: EngineSettings, head: BlockHeader) async throws -> Bool {
        var reservedNonce: UInt64?
        var recorded: MintBatchRecord?
        let jobs: [MintJobRow]
        do {
            let settledAtOrBelow = Int64(head.number) - Int64(settings.mintConfirmations) + 1
            let claimed = try await database.withConnection { conn in
                try conn.execute("BEGIN")
                return try MintQueue.claimPending(limit: settings.mintBatchSize, settledAtOrBelow: settledAtOrBelow, on: conn)
            }
            engine.unreadableRows.report(claimed.unreadable, by: "mint loop")
            jobs = claimed.rows
            // Each job is judged on its own: one that can never be minted as it is fails with
            // its reason, and the others go on.
            var plan = MintBatchPlan(jobs: jobs)
            if let token = plan.token {
                plan.judge(minted: try await chain.mintedStates(token: token, hashes: plan.candidates.map(\.hash)))
            }
            var planned: (calldata: [UInt8], gas: UInt64)?
            if let token = plan.token, !plan.todo.isEmpty {
                planned = try await mintable(&plan, minter: minter, token: token)
            }
            var fees: FeeSuggestion?
            if planned != nil {
                fees = try await chain.fees(minimumTip: settings.priorityFeeWei, ceiling: settings.maxFeePerGasWei)
                if fees == nil { logger.warning("fees above max_fee_per_gas_wei; mint batch waits", metadata: ["ceiling": "\(settings.maxFeePerGasWei)"]) }
            }
            if let (calldata, gas) = planned, let token = plan.token, let fees, !plan.todo.isEmpty {
                if let nonce = await engine.mintLanes.reserve(count: 1, maxInFlight: settings.maxInFlightPerSigner).first?.nonce {
                    reservedNonce = nonce
                    let signed = EIP1559Transaction(chainId: engine.configuration.chainID, nonce: nonce,
                                                    maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas,
                                                    gasLimit: gas + gas / 5 + 10_000, to: token, value: .zero, data: calldata)
                        .sign(with: minter)
                    let attempt = TransactionAttempt(hash: signed.hash, nonce: nonce, maxFeePerGas: signed.transaction.maxFeePerGas,
                                                     maxPriorityFeePerGas: signed.transaction.maxPriorityFeePerGas, at: Date().timeIntervalSince1970)
                    recorded = MintBatchRecord(id: 0, token: token, signer: minter.address, nonce: nonce, rawTx: signed.raw, attempt: attempt,
                                               jobIDs: plan.todo.map(\.job.id))
                }
            }
            let pending = recorded
            let decided = plan
            let batchID = try await database.withConnection { conn -> Int64? in
                guard conn.isInTransaction else { throw SendError.claimLost }
                try MintQueue.markAlreadyMinted(decided.alreadyMinted, on: conn)
                try MintQueue.fail(decided.unmintable, on: conn)
                try MintQueue.recordFailedAttempt(decided.reverting, maximumAttempts: Self.maximumAttempts, on: conn)
                var id: Int64?
                if let pending {
                    id = try MintQueue.createBatch(token: pending.token, signer: pending.signer, nonce: pending.nonce,
                                                   rawTx: pending.rawTx, attempt: pending.attempt, jobIDs: pending.jobIDs, on: conn)
                }
                try conn.execute("COMMIT")
                return id
            }
            if let batchID { recorded?.id = batchID }
            if !plan.alreadyMinted.isEmpty { logger.notice("mint jobs already minted on-chain", metadata: ["count": "\(plan.alreadyMinted.count)"]) }
            for failure in plan.unmintable {
                logger.error("mint job cannot be minted; failed (retry_mint requeues it)", metadata: ["job": "\(failure.id)", "error": "\(failure.error)"])
            }
        } catch {
            if let reservedNonce { await engine.mintLanes.release([(minter.address, reservedNonce)]) }
            try? await database.withConnection { conn in if conn.isInTransaction { try conn.execute("ROLLBACK") } }
            throw error
        }
        if let recorded {
            let row = MintBatchRow(id: recorded.id, token: recorded.token, signer: recorded.signer, nonce: recorded.nonce,
                                   rawTx: recorded.rawTx, txHash: recorded.attempt.hash, attempts: [recorded.attempt], status: .processing,
                                   jobIDs: recorded.jobIDs, dedupeHashes: [], createdAt: Date(timeIntervalSince1970: recorded.attempt.at))
            try await broadcast([row])
        }
        // Busy only when a full batch went out; otherwise wait (no hot loop on stuck jobs).
        return recorded != nil && jobs.count >= settings.mintBatchSize
    }

    /// A job whose own mint keeps reverting is failed after this many attempts, so it cannot
    /// hold the queue behind it for ever.
    static let maximumAttempts = 5

    /// The batch to send for `plan.todo` and its gas estimate, after narrowing the plan until it
    /// would run: when the whole batch would revert, the jobs whose own mint reverts are left out
    /// (an attempt counts against each: a bad recipient, a sold-out token), and if the rest still
    /// reverts together, only its oldest jobs that mint together are kept (`MintPrefixSearch`),
    /// the others waiting for the next batch. So no job, and no mix of jobs, can stall every mint
    /// behind it. Only an execution revert narrows the plan: any other node answer (rate limits,
    /// timeouts, a node in trouble) throws, and the jobs wait for the next iteration untouched.
    private func mintable(_ plan: inout MintBatchPlan, minter: PrivateKey, token: Address) async throws -> (calldata: [UInt8], gas: UInt64)? {
        let whole = plan.calldata(plan.todo)
        let reason: String
        switch try await simulate(whole, minter: minter, token: token) {
        case .runs(let gas): return (whole, gas)
        case .reverts(let message): reason = message
        }
        var reverting: [String: String] = [:]
        for candidate in plan.todo {
            if case .reverts(let message) = try await simulate(plan.calldata([candidate]), minter: minter, token: token) {
                reverting[candidate.job.id] = "mint would revert: \(message)"
            }
        }
        plan.leaveOut(reverting)
        logger.error("batchMint would revert; leaving out the jobs that revert alone",
                     metadata: ["error": "\(reason)", "left_out": "\(reverting.count)", "kept": "\(plan.todo.count)"])
        guard !plan.todo.isEmpty else { return nil }
        let rest = plan.calldata(plan.todo)
        if !reverting.isEmpty, case .runs(let gas) = try await simulate(rest, minter: minter, token: token) { return (rest, gas) }
        // The rest reverts together although each of its jobs runs alone. (A single job here
        // means the node's state moved between two calls: the next iteration looks again.)
        guard plan.todo.count > 1 else { return nil }
        var search = MintPrefixSearch(count: plan.todo.count)
        var best: (count: Int, gas: UInt64)?
        while let length = search.probe {
            let outcome = try await simulate(plan.calldata(Array(plan.todo.prefix(length))), minter: minter, token: token)
            if case .runs(let gas) = outcome { best = (length, gas) }
            search.record(length, runs: outcome.runs)
        }
        let count = search.found
        let kept = plan.calldata(Array(plan.todo.prefix(count)))
        let gas: UInt64
        if let best, best.count == count {
            gas = best.gas
        } else {
            // The prefix of one was never simulated as such: each job alone ran a moment ago.
            guard case .runs(let estimate) = try await simulate(kept, minter: minter, token: token) else { return nil }
            gas = estimate
        }
        logger.warning("batchMint reverts as a whole although each job alone would mint; minting the oldest jobs that fit together",
                       metadata: ["kept": "\(count)", "waiting": "\(plan.todo.count - count)"])
        plan.keepOldest(count)
        return (kept, gas)
    }

    /// What the node says `calldata` would do.
    private enum Simulation {
        case runs(gas: UInt64)
        case reverts(String)

        var runs: Bool { if case .runs = self { true } else { false } }
    }

    /// Simulates `calldata` by `eth_estimateGas`: its gas, or the node's revert message. Any
    /// other node error throws.
    private func simulate(_ calldata: [UInt8], minter: PrivateKey, token: Address) async throws(ChainError) -> Simulation {
        do {
            return .runs(gas: try await chain.estimateGas(from: minter.address, to: token, data: calldata))
        } catch {
            guard case .rpc(_, let rpcError) = error, rpcError.isExecutionRevert else { throw error }
            return .reverts(rpcError.message)
        }
    }

    /// Broadcasts batches' stored bytes and files them by the node's answer.
    private func broadcast(_ batches: [MintBatchRow]) async throws {
        let ready = batches.compactMap { batch in batch.rawTx.map { (batch, $0) } }
        guard !ready.isEmpty else { return }
        let outcomes = try await chain.sendRawTransactions(ready.map(\.1))
        for ((batch, _), outcome) in zip(ready, outcomes) {
            switch BroadcastVerdict(outcome) {
            case .inPool:
                try await database.withConnection { conn in try MintQueue.markBatchSent([batch.id], on: conn) }
            case .unknown(let message):
                logger.warning("mint broadcast outcome unknown; will broadcast again", metadata: ["batch": "\(batch.id)", "error": "\(message)"])
            case .takeBack(let message), .fail(let message), .pauseSigner(let message), .retryLater(let message):
                if case .pauseSigner = BroadcastVerdict(outcome) {
                    await engine.mintLanes.pause(batch.signer, reason: "insufficient funds for gas: \(message)")
                }
                try await database.withConnection { conn in
                    try MintQueue.closeBatch(id: batch.id, status: .abandoned, error: "broadcast refused: \(message)",
                                             alreadyMintedJobIDs: [], nonceConsumed: false, on: conn)
                }
                if let nonce = batch.nonce { await engine.mintLanes.release([(batch.signer, nonce)]) }
                logger.error("mint batch refused by the node", metadata: ["batch": "\(batch.id)", "error": "\(message)"])
            }
        }
    }
}

/// A signed batch about to be recorded.
struct MintBatchRecord: Sendable {
    var id: Int64
    var token: Address
    var signer: Address
    var nonce: UInt64
    var rawTx: [UInt8]
    var attempt: TransactionAttempt
    var jobIDs: [String]
}
