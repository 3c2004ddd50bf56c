import PaymentStore

/// What the confirmer does with one unsettled payment this tick: exactly one reaction per
/// payment, decided by `ConfirmPlanner` from chain facts alone.
///
/// For a payment in `sent` these are the state machine's edges. For a completed payment whose
/// settlement a reorg removed (being restored) the same facts mean: `settle` re-points it at the
/// settlement found, `fail` flags it `settlement_lost`, `requeue` signs it anew.
enum ConfirmDecision: Sendable, Equatable {
    /// Paid by this pair of logs, deep enough: complete it (with its mint jobs).
    case settle(PaymentSettlement)
    /// The chain proves it can no longer settle. `releaseNonce`: no transaction of ours holds
    /// its nonce any more (none mined, none in the pool). `block`: the reverted receipt's block,
    /// re-checked until final (a reorg may take the proof away).
    case fail(reason: String, releaseNonce: Bool, block: RecordedBlock?)
    /// Its nonce was taken by a transaction that is not ours, or nothing of ours is on chain or
    /// in a pool while the authorization is still valid: sign it again.
    case requeue(reason: String)
    /// Its own transaction reverted while the authorization stayed unused and unexpired, and it
    /// has retries left (`revert_retries`): sign it again after a backoff, with a new nonce and,
    /// when the transaction ran out of gas, `gasLimit`.
    case retryAfterRevert(reason: String, gasLimit: UInt64?)
    /// Unmined and unknown to the node for `rebroadcast_after_seconds`: broadcast the stored bytes.
    case rebroadcast
    /// Unmined for `fee_bump_after_seconds` since its last signing: re-sign at the same nonce
    /// with higher fees.
    case bumpFees
    /// Nothing to do yet (not deep enough, in the pool, or a fact the chain could not give).
    case wait
}
