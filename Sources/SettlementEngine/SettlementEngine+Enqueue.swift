import ChainClient
import ErrorCoding
import Ethereum
import Foundation
import PaymentModel
import PaymentStore

/// What enqueue's first stage found for one payment.
enum Screening: Sendable {
    /// Its idempotency key names this row already.
    case known(PaymentRow)
    /// Unused on chain at `head`; `supply`: what its mint token has left, when known.
    case unused(head: UInt64, supply: ItemSupply?)
    case refused(PaymentError)
}

/// What enqueue's second stage did with one payment; `retried`: the batch's transaction ran
/// again after a lost database session (its first attempt may have committed).
struct Queued: Sendable {
    var outcome: InsertOutcome
    var retried: Bool
}

extension SettlementEngine {
    /// Enqueue: the offline checks, then two group commits (`GroupCommit`) shared by every
    /// concurrent request: one database read for the idempotency keys plus one JSON-RPC batch
    /// of `authorizationState` calls, then one transaction that queues the batch
    /// (`PaymentQueue.insert`). Alone, a request makes the same three round trips it always
    /// did; under load, a few hundred requests share them.
    public func enqueue(_ request: PaymentRequest) async throws(PaymentError) -> EnqueueResult {
        let checked = try offline.check(request, settings: settings.current, prices: livePrices.current, now: Date())
        let head: UInt64
        let supply: ItemSupply?
        switch await screening.submit(checked, process: { batch in await self.screen(batch) }) {
        case .known(let existing): return try sameAuthorization(existing, checked)
        case .refused(let error): throw error
        case .unused(let checkedAt, let remaining): (head, supply) = (checkedAt, remaining)
        }
        var row = checked.row
        row.enqueuedBlock = head
        row.supply = supply
        let queued = try await queueing.submit(row, process: { batch in await self.queue(batch) }).get()
        switch queued.outcome {
        case .inserted(let inserted):
            sendWake.signal()
            events.publish(ids: [inserted.id], status: .pending)
            return EnqueueResult(paymentID: inserted.id, status: .pending, duplicate: false)
        case .existingKey(let existing):
            return try sameAuthorization(existing, checked)
        case .duplicateAuthorization(let existing):
            // A second attempt after a lost connection may find the row its first attempt
            // committed: the same authorization, queued the same way, is this request's payment.
            if queued.retried, existing.isSameQueuedPayment(as: row) {
                return EnqueueResult(paymentID: existing.id, status: existing.status, duplicate: true)
            }
            throw .duplicateAuthorization(existingPaymentID: existing.id)
        case .tooManyPending(let count):
            throw .tooManyPending(payer: row.payer.checksummed, count: count, limit: settings.current.maxPendingPerPayer)
        case .soldOut(let remaining):
            throw .soldOut(product: row.token?.checksummed ?? "the product", quantity: Int64(row.quantity), remaining: remaining)
        }
    }

    /// The first stage for a batch: rows already holding its idempotency keys (a retried
    /// request answers with its payment even once the authorization is spent), then the chain
    /// check for the others.
    func screen(_ batch: [CheckedPayment]) async -> [Screening] {
        let keys = batch.compactMap(\.row.idempotencyKey)
        var known: [String: PaymentRow] = [:]
        if !keys.isEmpty {
            do throws(PaymentError) {
                let session = requests.next
                for row in try await database(.enqueue, { try await session.withConnection { conn in try PaymentQueue.byIdempotencyKeys(keys, on: conn) } }) {
                    if let key = row.idempotencyKey { known[key] = row }
                }
            } catch {
                guard batch.count > 1, DatabaseFailureReaction.mayBeOneRowsFault(error) else { return batch.map { _ in .refused(error) } }
                // One request's key may be what the database refused: halve until it is alone.
                let middle = batch.count / 2
                return await screen(Array(batch[..<middle])) + screen(Array(batch[middle...]))
            }
        }
        let open = batch.filter { payment in payment.row.idempotencyKey.map { known[$0] == nil } ?? true }
        let checks = await checkUnused(open)
        let supplies: [Address: ItemSupply]
        do {
            // Read at the head the authorizations were checked at (the highest block answered).
            let heads = checks.compactMap { try? $0.get() }
            let tokens = zip(open, checks).compactMap { payment, check in (try? check.get()) != nil ? payment.row.token : nil }
            supplies = settings.current.reserveSupply && !tokens.isEmpty ? try await supplyReader.supplies(of: tokens, at: heads.max() ?? 0) : [:]
        } catch {
            let refusal = PaymentError.unavailable(code: (error as? any CodedError)?.code ?? "rpc_error",
                                                   message: "Cannot read the mint token's remaining supply: \(error)")
            return batch.map { payment in
                if let key = payment.row.idempotencyKey, let row = known[key] { return .known(row) }
                return .refused(refusal)
            }
        }
        var unused = checks.makeIterator()
        return batch.map { payment in
            if let key = payment.row.idempotencyKey, let row = known[key] { return .known(row) }
            switch unused.next()! {
            case .success(let head): return .unused(head: head, supply: payment.row.token.flatMap { supplies[$0] })
            case .failure(let error): return .refused(error)
            }
        }
    }

    /// The chain half of validation, for a batch in one JSON-RPC request: each authorization
    /// must not be used already, unless the use paid us (`paidBeforeEnqueue`). An RPC failure
    /// refuses the batch: an unchecked authorization could be one already spent elsewhere.
    /// Answers a block each was still unused at (the head it was checked at): any later use of
    /// the authorization is after it.
    func checkUnused(_ batch: [CheckedPayment]) async -> [Result<UInt64, PaymentError>] {
        guard !batch.isEmpty else { return [] }
        let answer: (states: [Bool], head: UInt64)
        do {
            answer = try await requestChain.authorizationStatesWithHead(batch.map {
                (token: $0.token.address, authorizer: $0.transfer.from, nonce: $0.transfer.nonce)
            })
        } catch {
            let refusal = PaymentError.unavailable(code: error.code, message: "Cannot check the authorization on-chain: \(error.description)")
            return batch.map { _ in .failure(refusal) }
        }
        let used = zip(batch, answer.states).filter(\.1).map(\.0)
        let paid: [String: UInt64]
        do {
            paid = try await paidBeforeEnqueue(used, head: answer.head)
        } catch {
            let refusal = PaymentError.unavailable(code: (error as? any CodedError)?.code ?? "rpc_error",
                                                   message: "Cannot look up who used the authorization on-chain: \(error)")
            return batch.map { _ in .failure(refusal) }
        }
        return zip(batch, answer.states).map { payment, isUsed in
            guard isUsed else { return .success(answer.head) }
            if let before = paid[FrontRunLookup.key(payment.transfer.from, payment.transfer.nonce)] { return .success(before) }
            return .failure(.authorizationAlreadyUsed(payer: payment.transfer.from.checksummed, nonce: payment.transfer.nonce.hex))
        }
    }

    /// Authorizations someone used before they reached us, in a transaction that paid our
    /// receiver exactly what was authorized (an x402 payload front-run on its way): the buyer has
    /// paid us, so the payment is queued like any other and the send loop completes it with
    /// that transaction's pair (DESIGN invariant 4). Answers, per authorization, a block at which
    /// it was still unused (the one before the pair's), which becomes the row's
    /// `enqueued_block`, where the send loop's lookup starts. Uses that did not pay us (the payer
    /// spent the nonce elsewhere, or cancelled it) are absent: those are refused. The search
    /// covers the last `FrontRunLookup.fallbackLookbackBlocks` blocks.
    func paidBeforeEnqueue(_ used: [CheckedPayment], head: UInt64) async throws -> [String: UInt64] {
        guard !used.isEmpty else { return [:] }
        let from = FrontRunLookup.fallbackStart(head: head)
        let queries = used.map {
            FrontRunLookup.Query(id: FrontRunLookup.key($0.transfer.from, $0.transfer.nonce), token: $0.token.address, transfer: $0.transfer, from: from)
        }
        var paid: [String: UInt64] = [:]
        for (key, use) in try await FrontRunLookup(chain: requestChain, range: logRange, configuredRange: settings.current.logRangeBlocks)
            .uses(of: queries, head: head) {
            if case .paid(let pair) = use { paid[key] = pair.blockNumber > 0 ? pair.blockNumber - 1 : 0 }
        }
        return paid
    }

    /// The second stage for a batch: one transaction queues it, run again after a lost
    /// session where `DatabaseFailureReaction` allows; a statement the database refuses splits
    /// the batch instead.
    func queue(_ batch: [NewPayment]) async -> [Result<Queued, PaymentError>] {
        let limit = settings.current.maxPendingPerPayer
        let session = requests.next
        var attempts = 0
        do throws(PaymentError) {
            let outcomes = try await database(.enqueue) {
                attempts += 1
                return try await session.withConnection { conn in try PaymentQueue.insert(batch, maxUnsettledPerPayer: limit, on: conn) }
            }
            return outcomes.map { .success(Queued(outcome: $0, retried: attempts > 1)) }
        } catch {
            guard batch.count > 1, DatabaseFailureReaction.mayBeOneRowsFault(error) else { return batch.map { _ in .failure(error) } }
            // The transaction rolled back; one row may be what the database refused: halve the
            // batch until that row fails alone, so no request fails the others.
            let middle = batch.count / 2
            return await queue(Array(batch[..<middle])) + queue(Array(batch[middle...]))
        }
    }
}
