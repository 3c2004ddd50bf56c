import Ethereum

/// What the chain can still do with a payment's authorization: the one question behind
/// watching failed payments and behind an operator's `cancel`. A failure is final only when
/// the chain can no longer change it (DESIGN invariant 4): a reverted receipt, a refused
/// broadcast or an operator's word prove only that *our* attempt ended; while the
/// authorization is unused and unexpired anyone holding it (its calldata is public) can still
/// settle it, and a proof that it can never settle holds only once its block is final.
enum AuthorizationFate: Sendable, Hashable {
    /// A transaction paid our receiver with it, deep enough: the payment is paid by this pair.
    case paid(SettlementPair)
    /// A transaction paid our receiver with it, not yet `confirmations_required` deep.
    case paying(SettlementPair)
    /// Unused and unexpired on chain: anyone can still settle it, until `validBefore`.
    case usable(validBefore: UInt64)
    /// It can no longer settle as of the head (used elsewhere, cancelled by the payer, or
    /// expired), but the block that says so is not final: a reorg could still undo that.
    case ending(reason: String)
    /// It can never settle, and the block that says so is final.
    case ended(reason: String)
    /// The token says used, but no event of the use was found up to the head (a node whose
    /// log index lags): nothing can be decided yet.
    case unknown

    /// The chain's facts about one authorization, read in one tick.
    struct Facts: Sendable {
        /// `authorizationState` at the head.
        var used: Bool
        /// What used it, when `used` and the use was found.
        var use: AuthorizationUse?
        var validBefore: UInt64
        /// The head's number and timestamp.
        var head: (number: UInt64, timestamp: UInt64)
        /// The highest final block's number and timestamp (`finality_depth` below the head, or
        /// the node's `finalized` block).
        var final: (number: UInt64, timestamp: UInt64)
        var confirmationsRequired: Int
        /// Whether the search for the use started at the payment's enqueue block (its
        /// authorization was unused then), so a use not found is one not visible yet. A row
        /// from before that block was recorded was searched in a window only.
        var searchedFromEnqueue = true
    }

    /// Judges one authorization; each fact leads to exactly one fate.
    static func judge(_ facts: Facts) -> AuthorizationFate {
        func depth(_ block: UInt64) -> Int { facts.head.number >= block ? Int(facts.head.number - block) + 1 : 0 }
        func proof(_ reason: String, at block: UInt64) -> AuthorizationFate {
            block <= facts.final.number ? .ended(reason: reason) : .ending(reason: reason)
        }
        guard facts.used else {
            // EIP-3009 requires `block.timestamp < validBefore`: once a block at or past it is
            // final, no later block can carry a use.
            if facts.validBefore <= facts.final.timestamp { return .ended(reason: "the authorization expired unused (valid before \(facts.validBefore))") }
            if facts.validBefore <= facts.head.timestamp { return .ending(reason: "the authorization expired unused (valid before \(facts.validBefore))") }
            return .usable(validBefore: facts.validBefore)
        }
        switch facts.use {
        case .paid(let pair)?:
            return depth(pair.blockNumber) >= facts.confirmationsRequired ? .paid(pair) : .paying(pair)
        case .spentElsewhere(let transaction, let block)?:
            return proof("the authorization was used by transaction \(transaction.hex) without paying the receiver", at: block)
        case .cancelled(let transaction, let block)?:
            return proof("the payer cancelled the authorization (transaction \(transaction.hex))", at: block)
        case nil:
            return facts.searchedFromEnqueue ? .unknown : .ended(reason: "the authorization was used, by no transaction found that paid the receiver")
        }
    }
}
