import ChainClient

/// What the send loop does with a payment after simulating its `transferWithAuthorization`:
/// each answer of the token maps to exactly one reaction (like `BroadcastVerdict` for the node's).
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

    init(_ outcome: CallOutcome) {
        switch outcome {
        case .returned:
            self = .relay
        case .reverted(let reason, _):
            let text = reason.description
            let lower = text.lowercased()
            if lower.contains("used or canceled") || lower.contains("authorization is used") {
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
