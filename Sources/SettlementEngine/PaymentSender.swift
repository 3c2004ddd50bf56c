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

    /// The send loop: it wakes at once on enqueue, else every `payment_batch_interval_ms`.
    var loop: EngineLoop {
        let engine = self.engine
        return EngineLoop(
            loop: .send, engine: engine,
            idle: { settings in await engine.sendWake.wait(timeout: .milliseconds(settings.paymentBatchIntervalMilliseconds)) },
            // After a failed iteration, what the lanes believe may differ from chain and database
            // (a commit whose outcome is unknown, nonces taken back by a write that failed):
            // rebuild them before handing out another nonce.
            recover: { try await NonceRecovery(engine: engine).run(paymentLanesOnly: true) },
            iteration: { settings in try await self.iterate(settings) })
    }

    /// One iteration; returns whether it did work (then the next starts at once).
    func iterate(_ settings: EngineSettings) async throws -> Bool {
        try await releaseSuspectedGaps()
        try await rebroadcastLeftovers()
        try await resumePaidSigners(settings)
        if await engine.paymentLanes.allPaused { return false }
        let (claimed, signed) = try await sendBatch(settings)
        if claimed == 0 { try await fillHoles(settings) }
        // Busy only when a full batch went out: rows claimed but left pending (no free lane,
        // fees above the ceiling) wait for the interval instead of spinning.
        return signed >= settings.paymentBatchSize
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
    func prepareBatch(_ settings: EngineSettings) async throws -> (claimed: Int, records: [SignedPaymentTransaction]) {
        var plan = SendPlan()
        var reserved: [(key: PrivateKey, nonce: UInt64)] = []
        let rows: [PaymentRow]
        do {
            rows = try await database.withConnection { conn in
                try conn.execute("BEGIN")
                return try PaymentQueue.claimPending(limit: settings.paymentBatchSize, on: conn)
            }
            guard !rows.isEmpty else {
                try await database.withConnection { conn in try conn.execute("ROLLBACK") }
                return (0, [])
            }
            let ready = try await screen(rows, settings: settings, plan: &plan)
            if !ready.isEmpty {
                let fees = try await fees(settings)
                reserved = await engine.paymentLanes.reserve(count: ready.count, maxInFlight: settings.maxInFlightPerSigner)
                for (index, candidate) in ready.enumerated() {
                    guard index < reserved.count, let fees else {
                        plan.untouched.append(candidate.row.id)
                        continue
                    }
                    plan.signed.append(sign(candidate, key: reserved[index].key, nonce: reserved[index].nonce, fees: fees, settings: settings))
                }
            }
            let recorded = plan
            try await database.withConnection { conn in
                guard conn.isInTransaction else { throw SendError.claimLost }
                try PaymentQueue.markFailed(recorded.failed.filter { !$0.row.isRestoring }.map { ($0.row.id, $0.error) }, on: conn)
                try PaymentQueue.markSettlementLost(recorded.failed.filter(\.row.isRestoring).map { ($0.row.id, $0.error) }, on: conn)
                try PaymentQueue.complete(recorded.settled, on: conn)
                try PaymentQueue.deferTransient(recorded.deferred, on: conn)
                try PaymentQueue.recordSigned(recorded.signed.map(\.record), on: conn)
                try conn.execute("COMMIT")
            }
        } catch {
            await engine.paymentLanes.release(reserved.map { ($0.key.address, $0.nonce) })
            try? await database.withConnection { conn in if conn.isInTransaction { try conn.execute("ROLLBACK") } }
            if case SendError.claimLost = error { throw error }
            // The loop rebuilds the lanes before its next iteration (the COMMIT may or may not
            // have happened).
            throw error
        }
        publish(plan)
        // Give back nonces reserved for candidates that found no fees or no lane.
        if reserved.count > plan.signed.count {
            await engine.paymentLanes.release(reserved[plan.signed.count...].map { ($0.key.address, $0.nonce) })
        }
        return (rows.count, plan.signed.map(\.record))
    }

    /// Simulates each claimed payment (when enabled) and sorts out the ones that cannot be relayed.
    private func screen(_ rows: [PaymentRow], settings: EngineSettings, plan: inout SendPlan) async throws -> [SendCandidate] {
        var candidates: [SendCandidate] = []
        for row in rows {
            guard let candidate = SendCandidate(row: row, configuration: engine.configuration) else {
                plan.failed.append((row, "the stored authorization cannot be relayed (unreadable or unsupported token)"))
                continue
            }
            candidates.append(candidate)
        }
        guard settings.simulateBeforeSend, !candidates.isEmpty else { return candidates }
        let outcomes = try await chain.calls(candidates.map { CallRequest(to: $0.token, data: $0.calldata) })
        var ready: [SendCandidate] = []
        var used: [SendCandidate] = []
        for (candidate, outcome) in zip(candidates, outcomes) {
            switch SimulationVerdict(outcome) {
            case .relay: ready.append(candidate)
            case .alreadyUsed: used.append(candidate)
            case .notYetValid: plan.untouched.append(candidate.row.id)
            case .permanent(let reason): plan.failed.append((candidate.row, reason))
            case .transient(let reason): plan.deferred.append((candidate.row.id, reason))
            }
        }
        try await settleAlreadyUsed(used, plan: &plan)
        return ready
    }

    /// Authorizations the token says are used: if a transaction used one and paid the receiver
    /// with it (x402 payloads can be front-run), the payment is paid by that pair of logs;
    /// otherwise (spent elsewhere, or cancelled) it can never settle.
    private func settleAlreadyUsed(_ used: [SendCandidate], plan: inout SendPlan) async throws {
        guard !used.isEmpty else { return }
        let found: [String: AuthorizationUse]
        do {
            // Depth 1: a mined pair is the proof (the reorg watcher re-checks it until final).
            found = try await FrontRunLookup(chain: chain).uses(for: used.map(\.row), head: try await chain.blockNumber())
        } catch {
            // Leave them pending for another look; the rest of the batch goes on.
            logger.error("cannot look up who used these authorizations", metadata: ["count": "\(used.count)", "error": "\(error)"])
            plan.untouched += used.map(\.row.id)
            return
        }
        let decided = ConfirmPlanner.oneSettlementPerPair(used.map { candidate in
            let decision: ConfirmDecision
            switch found[candidate.row.id] {
            case .paid(let pair)?: decision = .settle(ConfirmPlanner.settlement(candidate.row, pair: pair, gasUsed: nil))
            case .spentElsewhere(let transaction, _)?:
                decision = .fail(reason: "the authorization was used by transaction \(transaction.hex) without paying the receiver",
                                 releaseNonce: false, block: nil)
            case .cancelled(let transaction, _)?:
                decision = .fail(reason: "the payer cancelled the authorization (transaction \(transaction.hex))", releaseNonce: false, block: nil)
            case nil:
                // The token says used but no event is visible yet (a node whose log index lags):
                // look again next time; a legacy row (no enqueue block) was searched in a window only.
                decision = candidate.row.enqueuedBlock == nil
                    ? .fail(reason: "the authorization was cancelled or used without a visible transfer", releaseNonce: false, block: nil)
                    : .wait
            }
            return (candidate.row, decision)
        })
        for (row, decision) in decided {
            switch decision {
            case .settle(let settlement): plan.settled.append(settlement)
            case .fail(let reason, _, _): plan.failed.append((row, reason))
            default: plan.untouched.append(row.id)
            }
        }
    }

    private func fees(_ settings: EngineSettings) async throws -> FeeSuggestion? {
        let fees = try await chain.fees(minimumTip: engine.feeEscalation.minimumTip(settings.priorityFeeWei), ceiling: settings.maxFeePerGasWei)
        if fees == nil { logger.warning("fees above max_fee_per_gas_wei; waiting", metadata: ["ceiling": "\(settings.maxFeePerGasWei)"]) }
        return fees
    }

    private func sign(_ candidate: SendCandidate, key: PrivateKey, nonce: UInt64, fees: FeeSuggestion, settings: EngineSettings) -> SignedCandidate {
        let transaction = EIP1559Transaction(chainId: engine.configuration.chainID, nonce: nonce,
                                             maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas,
                                             gasLimit: settings.transferGasLimit, to: candidate.token, value: .zero, data: candidate.calldata)
        let signed = transaction.sign(with: key)
        let attempt = TransactionAttempt(hash: signed.hash.hex, nonce: Int64(nonce), maxFeePerGas: fees.maxFeePerGas.description,
                                         maxPriorityFeePerGas: fees.maxPriorityFeePerGas.description, at: Date().timeIntervalSince1970)
        return SignedCandidate(record: SignedPaymentTransaction(paymentID: candidate.row.id, signer: key.address.checksummed,
                                                                nonce: Int64(nonce), rawTx: signed.rawHex, attempt: attempt))
    }

    // MARK: Broadcast

    /// Broadcasts recorded transactions (signer, then nonce order) and files each by the node's
    /// answer. A transport failure leaves every one `processing`, to be broadcast again.
    ///
    /// `leftovers`: the bytes may already have been accepted earlier (the answer was lost), so a
    /// refusal now proves nothing about them: they become `sent` and the confirmer decides from
    /// receipts, the mined nonce and expiry. Only fresh transactions are taken back or failed.
    func broadcast(_ records: [SignedPaymentTransaction], leftovers: Bool = false) async throws {
        guard !records.isEmpty else { return }
        let ordered = records.sorted { ($0.signer.lowercased(), $0.nonce) < ($1.signer.lowercased(), $1.nonce) }
        var raws: [[UInt8]] = []
        for record in ordered { raws.append(try Hex.decode(record.rawTx)) }
        let outcomes = try await chain.sendRawTransactions(raws)
        var sent: [String] = []
        var takeBack: [(id: String, reason: String)] = []
        var failed: [(id: String, error: String)] = []
        var deferred: [(id: String, reason: String)] = []
        var released: [(signer: Address, nonce: UInt64)] = []
        var paused: [Address: String] = [:]
        var priceRefused = false
        for (record, outcome) in zip(ordered, outcomes) {
            if let rejection = outcome.rejection, rejection == .underpriced || rejection == .feeCapBelowBaseFee {
                priceRefused = true
            }
            let signer = try Address(hex: record.signer)
            var verdict = BroadcastVerdict(outcome)
            if leftovers {
                switch verdict {
                case .takeBack, .fail, .retryLater: verdict = .inPool
                case .pauseSigner(let message):
                    paused[signer] = "insufficient funds for gas: \(message)"
                    verdict = .inPool
                case .inPool, .unknown: break
                }
            }
            switch verdict {
            case .inPool:
                sent.append(record.paymentID)
            case .unknown(let message):
                logger.warning("broadcast outcome unknown; will broadcast again",
                               metadata: ["payment_id": "\(record.paymentID)", "tx_hash": "\(record.attempt.hash)", "error": "\(message)"])
            case .takeBack(let message):
                takeBack.append((record.paymentID, "broadcast refused, queued again: \(message)"))
                released.append((signer, UInt64(record.nonce)))
            case .pauseSigner(let message):
                takeBack.append((record.paymentID, "signer \(record.signer) cannot pay for gas: \(message)"))
                released.append((signer, UInt64(record.nonce)))
                paused[signer] = "insufficient funds for gas: \(message)"
            case .fail(let message):
                failed.append((record.paymentID, "broadcast refused: \(message)"))
                released.append((signer, UInt64(record.nonce)))
            case .retryLater(let message):
                deferred.append((record.paymentID, "broadcast refused: \(message)"))
                released.append((signer, UInt64(record.nonce)))
            }
        }
        let sentIDs = sent, takeBackItems = takeBack, failedItems = failed, deferredItems = deferred
        try await database.withConnection { conn in
            try conn.transaction { tx in
                try PaymentQueue.markSent(sentIDs, on: tx)
                try PaymentQueue.returnToPending(takeBackItems, on: tx)
                // A completed payment being restored is never failed: `markFailed` leaves it and
                // it is signed again later, until its authorization expires.
                try PaymentQueue.markFailed(failedItems, on: tx)
                try PaymentQueue.deferTransient(failedItems.map { ($0.id, $0.error) } + deferredItems, on: tx)
            }
        }
        await engine.paymentLanes.release(released)
        if priceRefused {
            engine.feeEscalation.escalate()
            logger.warning("transactions refused as underpriced; raising the tip",
                           metadata: ["tip_percent": "\(engine.feeEscalation.current)"])
        } else if !sent.isEmpty {
            engine.feeEscalation.relax()
        }
        for (signer, reason) in paused {
            await engine.paymentLanes.pause(signer, reason: reason)
            logger.critical("signer paused", metadata: ["signer": "\(signer.checksummed)", "reason": "\(reason)"])
        }
        let hashes = Dictionary(ordered.map { ($0.paymentID, $0.attempt.hash) }, uniquingKeysWith: { $1 })
        engine.events.publish(ids: sent, status: .sent, txHashes: sent.map { hashes[$0] })
        engine.events.publish(ids: takeBack.map(\.id), status: .pending, errors: takeBack.map(\.reason))
        engine.events.publish(ids: failed.map(\.id), status: .failed, errors: failed.map(\.error))
        engine.events.publish(ids: deferred.map(\.id), status: .pending, errors: deferred.map(\.reason))
        if !sent.isEmpty { logger.debug("batch sent", metadata: ["count": "\(sent.count)"]) }
    }

    /// Broadcasts again the stored bytes of rows left `processing`.
    private func rebroadcastLeftovers() async throws {
        let rows = try await database.withConnection { conn in try PaymentQueue.processing(on: conn) }
        let records = rows.compactMap { row -> SignedPaymentTransaction? in
            guard let raw = row.rawTx, let signer = row.signer, let nonce = row.nonce, let hash = row.txHash else { return nil }
            let attempt = row.attempts.last ?? TransactionAttempt(hash: hash, nonce: nonce, maxFeePerGas: "0", maxPriorityFeePerGas: "0", at: 0)
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
    /// re-used only by the bytes recorded for it). Runs at the start of an iteration, when no
    /// nonce of this loop is reserved but unrecorded.
    private func releaseSuspectedGaps() async throws {
        let suspects = await engine.paymentLanes.takeSuspectedGaps()
        guard !suspects.isEmpty else { return }
        var released: [(signer: Address, nonce: UInt64)] = []
        var recorded: [[UInt8]] = []
        for suspect in suspects {
            let records = try await database.withConnection { conn in
                try NonceRecords.at(signer: suspect.signer.checksummed, from: Int64(suspect.nonce), on: conn)
            }
            if let record = records.first(where: { $0.nonce == Int64(suspect.nonce) }) {
                if let raw = record.rawTx, let bytes = try? Hex.decode(raw) { recorded.append(bytes) }
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
        for key in await engine.paymentLanes.keys {
            let holes = await engine.paymentLanes.holes(of: key.address)
            guard !holes.isEmpty, let fees = try await fees(settings) else { continue }
            let fillers = holes.map { nonce in
                let signed = EIP1559Transaction(chainId: engine.configuration.chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                                maxFeePerGas: fees.maxFeePerGas, gasLimit: 21_000, to: key.address, value: .zero, data: []).sign(with: key)
                return NonceFiller(signer: key.address.checksummed, nonce: Int64(nonce), rawTx: signed.rawHex, txHash: signed.hash.hex)
            }
            let recorded = try await database.withConnection { conn in try NonceFillers.record(fillers, on: conn) }
            let outcomes = try await chain.sendRawTransactions(try recorded.map { try Hex.decode($0.rawTx) })
            var filled: [UInt64] = []
            for (filler, outcome) in zip(recorded, outcomes) where BroadcastVerdict(outcome) == .inPool { filled.append(UInt64(filler.nonce)) }
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
        engine.events.publish(ids: plan.settled.map(\.paymentID), status: .completed, txHashes: plan.settled.map(\.txHash))
        if !plan.settled.isEmpty { engine.mintWake.signal() }
    }
}

/// What one iteration decided, written in one transaction.
struct SendPlan: Sendable {
    /// Can never settle: `failed` (a completed payment being restored: `settlement_lost`).
    var failed: [(row: PaymentRow, error: String)] = []
    var settled: [PaymentSettlement] = []
    var signed: [SignedCandidate] = []
    /// Refused for a reason that may pass: tried again after a backoff.
    var deferred: [(id: String, reason: String)] = []
    /// Claimed but left pending this time (not yet valid, no fees, no free lane).
    var untouched: [String] = []
}

struct SignedCandidate: Sendable {
    var record: SignedPaymentTransaction
}

/// A claimed payment with its relay calldata built.
struct SendCandidate: Sendable {
    let row: PaymentRow
    let token: Address
    let calldata: [UInt8]

    init?(row: PaymentRow, configuration: EngineConfiguration) {
        guard let auth = row.authorization,
              let token = try? Address(hex: row.paymentTokenAddress), configuration.paymentToken(token) != nil,
              let from = try? Address(hex: auth.from), let to = try? Address(hex: auth.to),
              let value = UInt256(decimal: auth.value), let validAfter = UInt256(decimal: auth.validAfter),
              let validBefore = UInt256(decimal: auth.validBefore), let nonce = try? Bytes32(hex: auth.nonce) else { return nil }
        guard let signature = (try? auth.parsedSignature()) ?? nil else { return nil }
        self.row = row
        self.token = token
        calldata = USDCCalldata.transferWithAuthorization(
            TransferWithAuthorization(from: from, to: to, value: value, validAfter: validAfter, validBefore: validBefore, nonce: nonce),
            signature: signature)
    }
}

enum SendError: Error {
    /// The claiming transaction ended (its connection broke) before the signed bytes were recorded.
    case claimLost
}
