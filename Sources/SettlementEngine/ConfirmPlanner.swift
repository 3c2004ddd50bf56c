import ChainClient
import Ethereum
import JSON
import PaymentStore

/// The confirmer's decisions, apart from its I/O: one unsettled payment and this tick's chain
/// facts in, one `ConfirmDecision` out. A payment moves only on proof from the chain (DESIGN
/// invariant 4); time alone proves nothing.
///
/// The order of the questions is the guarantee:
/// 1. Did one of the payment's own transactions mine the authorization's settlement pair? Paid.
/// 2. Otherwise, did any transaction use the authorization? If it paid the receiver with it,
///    the payment is paid by that pair (a front-run); if it spent the nonce elsewhere, or the
///    payer cancelled it, nothing can settle it.
/// 3. Otherwise (still unused) a reverted transaction of ours is the end for a `sent` payment;
///    a nonce taken by someone else, or nothing of ours anywhere, means sign again while the
///    authorization lasts; expiry with nothing mined means it can never settle; a transaction
///    the node forgot is broadcast again, one left unmined too long gets higher fees.
enum ConfirmPlanner {
    static func decide(_ row: PaymentRow, facts: ConfirmFacts) -> ConfirmDecision {
        let mined = row.allTransactionHashes.compactMap { facts.receipts[$0] }
        guard let transfer = row.transfer else { return decideUnreadable(row, mined: mined, facts: facts) }

        // 1. Our own transaction settled it.
        for receipt in mined {
            if let pair = SettlementPair.find(in: receipt, token: row.paymentToken, authorization: transfer) {
                guard facts.depth(of: pair.blockNumber) >= facts.confirmationsRequired else { return .wait }
                return .settle(settlement(row, pair: pair, gasUsed: receipt.gasUsed))
            }
        }
        let reverted = currentRevert(row, mined: mined)
        if let reverted, facts.depth(of: reverted.blockNumber) < facts.confirmationsRequired { return .wait }

        // 2. Someone used the authorization.
        switch facts.uses[row.id] {
        case .paid(let pair)?:
            guard facts.depth(of: pair.blockNumber) >= facts.confirmationsRequired else { return .wait }
            return .settle(settlement(row, pair: pair, gasUsed: nil))
        case .spentElsewhere(let transaction, let blockNumber)?:
            guard facts.depth(of: blockNumber) >= facts.confirmationsRequired else { return .wait }
            return .fail(reason: "the authorization was used by transaction \(transaction.hex), which did not pay "
                             + "\(transfer.value) to \(transfer.to.checksummed)",
                         releaseNonce: releasable(row, mined: mined, facts: facts), block: reverted.map(Self.block))
        case .cancelled(let transaction, let blockNumber)?:
            guard facts.depth(of: blockNumber) >= facts.confirmationsRequired else { return .wait }
            return .fail(reason: "the payer cancelled the authorization (transaction \(transaction.hex))",
                         releaseNonce: releasable(row, mined: mined, facts: facts), block: reverted.map(Self.block))
        case nil:
            break
        }
        guard let used = facts.authorizationUsed[row.id] else { return .wait }
        if used {
            // The token says used, yet no event of it was found up to the head the state was read
            // at: a node whose log index lags. Wait for it; only rows from before the enqueue block
            // was recorded (searched in a window only) are judged without it, as before.
            guard row.enqueuedBlock == nil else { return .wait }
            return .fail(reason: "the authorization was cancelled or used without a visible transfer",
                         releaseNonce: releasable(row, mined: mined, facts: facts), block: reverted.map(Self.block))
        }

        // 3. Still unused.
        let expired = (transfer.validBefore.uint64Value ?? .max) <= facts.head.timestamp
        if let reverted {
            if row.isRestoring && !expired { return .requeue(reason: "the restored settlement's transaction reverted; signing it anew") }
            // A reverted receipt proves only that this transaction failed: while the
            // authorization is unused and unexpired it is signed again, a bounded number of
            // times (each costs gas), with more gas when it ran out. After that the failure
            // watch follows it until it expires.
            if !expired && row.revertRetries < facts.revertRetries {
                let raised = outOfGasLimit(row, reverted: reverted).map { min($0 * 2, Self.maximumGasLimit) }
                return .retryAfterRevert(reason: "transaction \(reverted.transactionHash.hex) reverted"
                                             + (raised != nil ? " out of gas" : "") + " and the authorization is unused; "
                                             + "signing it again (retry \(row.revertRetries + 1) of \(facts.revertRetries))",
                                         gasLimit: raised)
            }
            return .fail(reason: "transaction reverted on-chain and the authorization was not used", releaseNonce: false, block: block(reverted))
        }
        if let slot = row.relaySlot, let minedNonce = facts.minedNonces[slot.signer], minedNonce > slot.nonce {
            // The nonce is spent by a transaction that is none of our attempts (none has a receipt).
            if expired {
                return .fail(reason: "authorization expired; the relaying nonce was taken by another transaction", releaseNonce: true, block: nil)
            }
            return .requeue(reason: "nonce \(slot.nonce) of \(slot.signer.checksummed) was taken by another transaction; queued again")
        }
        guard facts.poolChecked.contains(row.id) else { return .wait }
        let inPool = row.allTransactionHashes.contains { facts.known.contains($0) }
        if expired {
            return .fail(reason: "authorization expired before any attempt was mined", releaseNonce: !inPool, block: nil)
        }
        if inPool {
            return age(sinceSigning: row, facts: facts) >= facts.feeBumpAfterSeconds && row.rawTx != nil ? .bumpFees : .wait
        }
        if row.rawTx == nil {
            // Nothing of ours to broadcast: a legacy row whose transaction is gone, or a restored
            // payment whose settling transaction (someone else's) vanished in a reorg.
            return .requeue(reason: "no transaction of this payment is mined or pending; signing it anew")
        }
        return .rebroadcast
    }

    /// Rows whose authorization state and use must be read before deciding: every readable row
    /// that none of its own receipts settled.
    static func needsAuthorizationFacts(_ row: PaymentRow, receipts: [Bytes32: TransactionReceipt]) -> Bool {
        guard let transfer = row.transfer else { return false }
        return !row.allTransactionHashes.contains { hash in
            receipts[hash].map { SettlementPair.find(in: $0, token: row.paymentToken, authorization: transfer) != nil } ?? false
        }
    }

    /// Whether a sent payment is asked about this tick (its receipts, then its authorization).
    ///
    /// The node can have news of a payment only when its signer's mined nonce passed the
    /// payment's nonce (something was mined there: ours, settling or reverted, or another
    /// transaction). Until then the one thing that can change is a third party using the
    /// authorization, which our own transaction's revert will show once mined, and the age rules
    /// (rebroadcast, fee bump, expiry) look at it anyway. So a young row whose nonce is not yet
    /// mined waits without a question to the node: the confirm loop's cost follows what the
    /// chain mined, not how many payments are in flight. Rows this cannot judge are always
    /// asked: no signer or nonce known, no recorded bytes, restoring after a reorg, attempts at
    /// more than one nonce (re-signed after a nonce was taken), or a signer whose count was not read.
    static func needsChainLook(_ row: PaymentRow, facts: ConfirmFacts) -> Bool {
        guard let slot = row.relaySlot, let minedNonce = facts.minedNonces[slot.signer], row.rawTx != nil, !row.isRestoring,
              let transfer = row.transfer, row.attempts.allSatisfy({ $0.nonce == slot.nonce }) else { return true }
        if minedNonce > slot.nonce { return true }
        if (transfer.validBefore.uint64Value ?? .max) <= facts.head.timestamp { return true }
        let broadcastAt = (row.reorgedAt ?? row.sentAt ?? row.processedAt ?? row.createdAt).timeIntervalSince1970
        return facts.now - broadcastAt >= facts.rebroadcastAfterSeconds || age(sinceSigning: row, facts: facts) >= facts.feeBumpAfterSeconds
    }

    /// Rows whose transactions must be looked up in the node's pool: nothing of theirs mined,
    /// authorization unused, and old enough to be rebroadcast, expired, or with nothing to rebroadcast.
    static func needsPoolCheck(_ row: PaymentRow, facts: ConfirmFacts) -> Bool {
        guard facts.authorizationUsed[row.id] == false, facts.uses[row.id] == nil,
              !row.allTransactionHashes.contains(where: { facts.receipts[$0] != nil }),
              let transfer = row.transfer else { return false }
        let expired = (transfer.validBefore.uint64Value ?? .max) <= facts.head.timestamp
        let broadcastAt = (row.reorgedAt ?? row.sentAt ?? row.processedAt ?? row.createdAt).timeIntervalSince1970
        return expired || row.rawTx == nil || row.isRestoring || facts.now - broadcastAt >= facts.rebroadcastAfterSeconds
            || age(sinceSigning: row, facts: facts) >= facts.feeBumpAfterSeconds
    }

    /// Within one tick, one pair of logs pays at most one payment (the store's unique index is
    /// the backstop across ticks): later claims on a pair already used this tick wait.
    static func oneSettlementPerPair(_ decisions: [(row: PaymentRow, decision: ConfirmDecision)]) -> [(row: PaymentRow, decision: ConfirmDecision)] {
        var taken = Set<String>()
        var result: [(row: PaymentRow, decision: ConfirmDecision)] = []
        result.reserveCapacity(decisions.count)
        for item in decisions {
            guard case .settle(let settlement) = item.decision, let index = settlement.logIndex else {
                result.append(item)
                continue
            }
            let (inserted, _) = taken.insert(settlement.txHash.hex + "#\(index)")
            result.append(inserted ? item : (item.row, .wait))
        }
        return result
    }

    /// The settlement of `row` by `pair` (the result says whose transaction it was).
    static func settlement(_ row: PaymentRow, pair: SettlementPair, gasUsed: UInt64?) -> PaymentSettlement {
        let ours = row.attempts.contains { $0.hash == pair.transactionHash }
        var result: [String: JSONValue] = ["settled_by": ours ? "paymentd" : "other_transaction", "tx_hash": .string(pair.transactionHash.hex),
                                           "log_index": .int(Int64(pair.logIndex))]
        if let gasUsed, ours { result["gas_used"] = .int(Int64(gasUsed)) }
        return PaymentSettlement(paymentID: row.id, txHash: pair.transactionHash, blockNumber: pair.blockNumber, blockHash: pair.blockHash,
                                 logIndex: pair.logIndex, result: .object(result), mints: MintPlan.jobs(for: row, settledBy: pair.transactionHash))
    }

    // MARK: Pieces

    /// A reverted receipt of the row's current transaction (its signer and nonce now). An
    /// earlier attempt that reverted before the payment was signed again at another nonce
    /// (`retryAfterRevert`, a restored settlement) says nothing about the current one. Rows
    /// without a recorded signer (the replaced system's) have one transaction only.
    static func currentRevert(_ row: PaymentRow, mined: [TransactionReceipt]) -> TransactionReceipt? {
        guard let slot = row.relaySlot else { return mined.first { !$0.succeeded } }
        let current = Set(row.attempts.filter { $0.nonce == slot.nonce }.map(\.hash) + (row.txHash.map { [$0] } ?? []))
        return mined.first { !$0.succeeded && $0.from == slot.signer && current.contains($0.transactionHash) }
    }

    /// The highest gas limit a retry raises to (the `transfer_gas_limit` setting's own maximum).
    static let maximumGasLimit: UInt64 = 1_000_000

    /// The gas limit of the reverted transaction when it ran out of gas: it used (nearly) all of
    /// it. A call through a proxy keeps back 1/64 of the gas for the caller (EIP-150), so a use
    /// of 62/64 or more counts. Nil when it reverted for another reason, or its bytes cannot be read.
    static func outOfGasLimit(_ row: PaymentRow, reverted: TransactionReceipt) -> UInt64? {
        guard let raw = row.rawTx, let transaction = try? SignedTransaction.decode(raw: raw).transaction,
              transaction.gasLimit > 0, reverted.gasUsed.multipliedReportingOverflow(by: 64).partialValue >= transaction.gasLimit * 62 else { return nil }
        return transaction.gasLimit
    }

    /// A row whose authorization cannot be read (a legacy row of another shape) settles by a
    /// successful receipt of its own transaction, or fails by a reverted one.
    private static func decideUnreadable(_ row: PaymentRow, mined: [TransactionReceipt], facts: ConfirmFacts) -> ConfirmDecision {
        if let success = mined.first(where: \.succeeded) {
            guard facts.depth(of: success.blockNumber) >= facts.confirmationsRequired else { return .wait }
            let txHash = success.transactionHash
            return .settle(PaymentSettlement(
                paymentID: row.id, txHash: txHash, blockNumber: success.blockNumber, blockHash: success.blockHash, logIndex: nil,
                result: ["settled_by": "paymentd", "tx_hash": .string(txHash.hex), "gas_used": .int(Int64(success.gasUsed))],
                mints: MintPlan.jobs(for: row, settledBy: txHash)))
        }
        if let reverted = mined.first, facts.depth(of: reverted.blockNumber) >= facts.confirmationsRequired {
            return .fail(reason: "transaction reverted on-chain", releaseNonce: false, block: block(reverted))
        }
        return .wait
    }

    /// Whether the row's nonce may be handed out again: none of its transactions mined, and
    /// none is known to the node (looked up this tick).
    private static func releasable(_ row: PaymentRow, mined: [TransactionReceipt], facts: ConfirmFacts) -> Bool {
        guard row.relaySlot != nil, mined.isEmpty, facts.poolChecked.contains(row.id) else { return false }
        return !row.allTransactionHashes.contains { facts.known.contains($0) }
    }

    private static func age(sinceSigning row: PaymentRow, facts: ConfirmFacts) -> Double {
        facts.now - (row.attempts.last?.at ?? row.createdAt.timeIntervalSince1970)
    }

    private static func block(_ receipt: TransactionReceipt) -> RecordedBlock {
        RecordedBlock(number: receipt.blockNumber, hash: receipt.blockHash)
    }
}
