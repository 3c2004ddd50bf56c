/// The six states of a payment, spelled as the replaced system's migration 006 spells them, so
/// rows written by either system read the same.
public enum PaymentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// Accepted and validated; waiting for the send loop.
    case pending
    /// Claimed by the send loop: nonce assigned, transaction signed and stored, broadcast under way.
    case processing
    /// Broadcast; waiting for a receipt and confirmations.
    case sent
    /// Settled on-chain (by us or, when front-run, by someone else's transaction); mints queued.
    case completed
    /// Rejected or cancelled before anything reached the chain.
    case failed
    /// The chain proved the payment can no longer settle (reverted receipt, or expired with no
    /// attempt mined).
    case confirmationFailed = "confirmation_failed"

    /// Whether the payment can never change state again by itself.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .confirmationFailed: true
        case .pending, .processing, .sent: false
        }
    }
}
