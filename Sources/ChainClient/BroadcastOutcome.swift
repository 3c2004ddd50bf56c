import Ethereum

/// What happened to one raw transaction handed to `eth_sendRawTransaction`.
///
/// `indeterminate` exists because not every error is a refusal: when the node reports its own
/// failure (internal error, rate limit) it does not say whether it kept the transaction, so the
/// safe reaction is the one for a lost answer: keep the nonce and send the same bytes again.
public enum BroadcastOutcome: Sendable, Hashable {
    /// The node took the transaction; its hash.
    case accepted(Bytes32)
    /// The node refused it; the classification and the node's error as sent.
    case rejected(BroadcastRejection, RPCErrorObject)
    /// The node failed without saying whether it kept the transaction.
    case indeterminate(RPCErrorObject)

    /// JSON-RPC codes that report the node's own trouble rather than a verdict on the
    /// transaction: internal error, resource unavailable, limit exceeded.
    static let nodeFailureCodes: Set<Int> = [-32603, -32002, -32005]

    public init(error: RPCErrorObject) {
        let rejection = BroadcastRejection(message: error.message)
        if rejection == .other, Self.nodeFailureCodes.contains(error.code) {
            self = .indeterminate(error)
        } else {
            self = .rejected(rejection, error)
        }
    }

    /// True when the transaction is known to be in the node's pool (or mined) after this call:
    /// accepted now, or already known from an earlier send.
    public var isInPool: Bool {
        switch self {
        case .accepted, .rejected(.alreadyKnown, _): true
        default: false
        }
    }

    /// The rejection, if the node refused the transaction.
    public var rejection: BroadcastRejection? {
        if case .rejected(let reason, _) = self { return reason }
        return nil
    }
}
