import ChainClient

/// What the send loop does with a payment after simulating its `transferWithAuthorization`:
/// each answer of the token maps to exactly one reaction (like `BroadcastVerdict` for the node's).
///
/// A revert is judged from the chain's facts, not from its words: whether the token says the
/// authorization is used (`authorizationState`), and where the head's timestamp falls in the
/// authorization's window. Nodes and providers word reverts differently or omit the reason
/// altogether, and a reason-less revert of a front-run payment read as "try again later" left a
/// buyer who had paid pending until expiry. The revert's text only names what the facts cannot:
/// a signature the token rejects.
enum SimulationVerdict: Sendable, Equatable {
    /// It would succeed: sign and send it.
    case relay
    /// The token says the authorization is used or cancelled: find out by whom.
    case alreadyUsed
    /// Its window has not opened yet: leave it pending.
    case notYetValid
    /// It can never succeed (expired, a signature the token rejects): fail it.
    case permanent(String)
    /// It may succeed later (the payer's balance is short now, a revert the engine cannot
    /// name): try again after a backoff, until the authorization expires (DESIGN invariant 4:
    /// a payment fails only when the chain proves it can no longer settle).
    case transient(String)

    /// What the chain says about a payment whose simulation reverted, read right after it.
    struct Facts: Sendable, Equatable {
        /// `authorizationState(from, nonce)` at the head.
        var used: Bool
        /// The head block's timestamp.
        var now: UInt64
        var validAfter: UInt64
        var validBefore: UInt64
    }

    /// `facts`: nil when they could not be read; then the revert's words are all there is.
    init(_ outcome: CallOutcome, facts: Facts? = nil) {
        switch outcome {
        case .returned:
            self = .relay
        case .reverted(let reason, _):
            let text = reason.description.isEmpty ? "(the node gave no reason)" : reason.description
            let lower = text.lowercased()
            if let facts {
                if facts.used {
                    self = .alreadyUsed
                } else if facts.now >= facts.validBefore {
                    self = .permanent("simulation reverted: the authorization expired at \(facts.validBefore) (head at \(facts.now)): \(text)")
                } else if facts.now <= facts.validAfter {
                    self = .notYetValid
                } else if lower.contains("invalid signature") || lower.contains("ecrecover") {
                    self = .permanent("simulation reverted: \(text)")
                } else {
                    self = .transient("simulation reverted: \(text)")
                }
            } else if lower.contains("used or canceled") || lower.contains("authorization is used") {
                self = .alreadyUsed
            } else if lower.contains("not yet valid") {
                self = .notYetValid
            } else if lower.contains("is expired") || lower.contains("invalid signature") || lower.contains("ecrecover") {
                self = .permanent("simulation reverted: \(text)")
            } else {
                self = .transient("simulation reverted: \(text)")
            }
        }
    }
}
