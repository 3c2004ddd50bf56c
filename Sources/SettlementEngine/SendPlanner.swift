import ChainClient
import Ethereum
import Foundation
import PaymentStore

/// The send loop's decisions, apart from its I/O: claimed payments and what the chain said
/// about them in, a `SendPlan` out. Each step is a pure function the loop calls between its
/// batched chain calls (simulation, front-run lookup, fees), so every branch is unit-tested
/// without a database or a node.
enum SendPlanner {
    /// The claimed rows that can be relayed (readable authorization and signature, a token this
    /// daemon accepts); the others can never be, and fail with the reason.
    static func candidates(_ rows: [PaymentRow], configuration: EngineConfiguration, into plan: inout SendPlan) -> [SendCandidate] {
        var candidates: [SendCandidate] = []
        for row in rows {
            guard configuration.paymentToken(row.paymentToken) != nil else {
                plan.failed.append((row, "payment token \(row.paymentToken.checksummed) is not one this daemon accepts"))
                continue
            }
            guard let transfer = row.transfer, let signature = row.signature else {
                plan.failed.append((row, "the stored authorization cannot be relayed: \(row.authorizationProblem ?? "it is missing")"))
                continue
            }
            candidates.append(SendCandidate(row: row, token: row.paymentToken,
                                            calldata: USDCCalldata.transferWithAuthorization(transfer, signature: signature)))
        }
        return candidates
    }

    /// Files each candidate by its simulation's verdict; returns the ones to sign and the ones
    /// whose authorization is already used (to be looked up).
    static func sort(_ candidates: [SendCandidate], verdicts: [SimulationVerdict], into plan: inout SendPlan)
        -> (ready: [SendCandidate], used: [SendCandidate]) {
        var ready: [SendCandidate] = []
        var used: [SendCandidate] = []
        for (candidate, verdict) in zip(candidates, verdicts) {
            switch verdict {
            case .relay: ready.append(candidate)
            case .alreadyUsed: used.append(candidate)
            case .notYetValid: plan.wait(candidate.row.id)
            case .permanent(let reason): plan.failed.append((candidate.row, reason))
            case .transient(let reason): plan.deferred.append((candidate.row.id, reason))
            }
        }
        return (ready, used)
    }

    /// Authorizations the token says are used: if a transaction used one and paid the receiver
    /// with it (x402 payloads can be front-run), the payment is paid by that pair of logs (one
    /// pair, one payment); if it was spent elsewhere or cancelled, it can never settle. A use
    /// not visible yet (a node whose log index lags) is looked at again next time; a legacy row
    /// without an enqueue block was searched in a window only and is judged as before. A pair
    /// pays only once it is `confirmationsRequired` deep under `head`, as a pair of our own does.
    static func settleUsed(_ used: [SendCandidate], uses: [String: AuthorizationUse], head: UInt64, confirmationsRequired: Int,
                           into plan: inout SendPlan) {
        let decided = ConfirmPlanner.oneSettlementPerPair(used.map { candidate in
            let decision: ConfirmDecision
            switch uses[candidate.row.id] {
            case .paid(let pair)?:
                let depth = head >= pair.blockNumber ? Int(head - pair.blockNumber) + 1 : 0
                decision = depth >= confirmationsRequired ? .settle(ConfirmPlanner.settlement(candidate.row, pair: pair, gasUsed: nil)) : .wait
            case .spentElsewhere(let transaction, _)?:
                decision = .fail(reason: "the authorization was used by transaction \(transaction.hex) without paying the receiver",
                                 releaseNonce: false, block: nil)
            case .cancelled(let transaction, _)?:
                decision = .fail(reason: "the payer cancelled the authorization (transaction \(transaction.hex))", releaseNonce: false, block: nil)
            case nil:
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
            default: plan.wait(row.id)
            }
        }
    }

    /// Signs the ready candidates with the reserved nonces, in order, each with `gasLimit` or
    /// the higher limit a revert out of gas left on it. Without fees (above the ceiling) or
    /// without a nonce (no free lane) a candidate stays pending, untouched.
    static func sign(_ ready: [SendCandidate], reserved: [(key: PrivateKey, nonce: UInt64)], fees: FeeSuggestion?, chainID: UInt64,
                     gasLimit: UInt64, now: Date, into plan: inout SendPlan) {
        for (index, candidate) in ready.enumerated() {
            guard index < reserved.count, let fees else {
                plan.untouched.append(candidate.row.id)
                continue
            }
            let (key, nonce) = reserved[index]
            let signed = EIP1559Transaction(chainId: chainID, nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
                                            maxFeePerGas: fees.maxFeePerGas, gasLimit: max(gasLimit, candidate.row.gasLimit ?? 0),
                                            to: candidate.token, value: .zero,
                                            data: candidate.calldata).sign(with: key)
            let attempt = TransactionAttempt(hash: signed.hash, nonce: nonce, maxFeePerGas: fees.maxFeePerGas,
                                             maxPriorityFeePerGas: fees.maxPriorityFeePerGas, at: now.timeIntervalSince1970)
            plan.signed.append(SignedPaymentTransaction(paymentID: candidate.row.id, signer: key.address, nonce: nonce, rawTx: signed.raw,
                                                        attempt: attempt))
        }
    }
}

/// What one send iteration decided, written in one transaction.
struct SendPlan: Sendable {
    /// Can never settle: `failed` (a completed payment being restored: `settlement_lost`).
    var failed: [(row: PaymentRow, error: String)] = []
    var settled: [PaymentSettlement] = []
    var signed: [SignedPaymentTransaction] = []
    /// Refused for a reason that may pass: tried again after a backoff.
    var deferred: [(id: String, reason: String)] = []
    /// Claimed but left pending this time (not yet valid, no fees, no free lane, a use not visible yet).
    var untouched: [String] = []
    /// Of those, the ones waiting on the chain (not yet valid, a use not visible or not deep
    /// enough, a lookup that failed): claimed again only after `waitingBackoffSeconds`, so they
    /// do not fill every batch ahead of newer payments. (No fees or no free lane: the oldest go
    /// first once there are.)
    var waiting: [String] = []
    static let waitingBackoffSeconds = 2.0

    /// Leaves `id` pending for a short while: it waits on the chain.
    mutating func wait(_ id: String) {
        untouched.append(id)
        waiting.append(id)
    }
}

/// A claimed payment with its relay calldata built.
struct SendCandidate: Sendable {
    let row: PaymentRow
    let token: Address
    let calldata: [UInt8]
}
