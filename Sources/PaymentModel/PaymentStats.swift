import Foundation

/// The monitoring numbers of the replaced system's summary (queue depth, sent age,
/// confirmation rate, processing time) plus per-signer nonce state: what `stats` returns and
/// what `paymentd-health` judges.
public struct PaymentStats: Sendable, Hashable {
    /// Rows per status; every one of the six statuses is present, zero included.
    public var counts: [PaymentStatus: Int]
    /// Pending rows (waiting for the send loop).
    public var queueDepth: Int
    public var oldestPendingAgeSeconds: Double?
    public var oldestSentAgeSeconds: Double?
    /// `completed / (completed + confirmation_failed)`, nil before any settled.
    public var confirmationRate: Double?
    /// Mean `processed_at - created_at` over completed payments, seconds.
    public var averageProcessingSeconds: Double?
    public var mintCounts: [MintStatus: Int]
    public var signers: [SignerState]
    /// The chain's JSON-RPC endpoints, in order of preference; one is in use.
    public var rpcEndpoints: [RPCEndpointState]

    public init(counts: [PaymentStatus: Int], queueDepth: Int, oldestPendingAgeSeconds: Double?,
                oldestSentAgeSeconds: Double?, confirmationRate: Double?, averageProcessingSeconds: Double?,
                mintCounts: [MintStatus: Int], signers: [SignerState], rpcEndpoints: [RPCEndpointState] = []) {
        self.counts = counts
        self.queueDepth = queueDepth
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.oldestSentAgeSeconds = oldestSentAgeSeconds
        self.confirmationRate = confirmationRate
        self.averageProcessingSeconds = averageProcessingSeconds
        self.mintCounts = mintCounts
        self.signers = signers
        self.rpcEndpoints = rpcEndpoints
    }

    /// The endpoint in use, if any.
    public var rpcEndpointInUse: RPCEndpointState? { rpcEndpoints.first { $0.inUse } }
}

/// One hot wallet's nonce sequence as the engine sees it.
public struct SignerState: Sendable, Hashable {
    public enum Role: String, Sendable, Codable, Hashable {
        case payment
        case mint
    }

    public var address: String
    public var role: Role
    /// The next nonce the engine will assign.
    public var nextNonce: Int64
    /// The chain's count of mined transactions from this address, as last seen.
    public var minedNonce: Int64?
    /// Transactions assigned a nonce but not yet confirmed.
    public var inFlight: Int
    /// Set when the signer must not send (e.g. out of gas money), with the reason.
    public var pausedReason: String?

    public init(address: String, role: Role, nextNonce: Int64, minedNonce: Int64?, inFlight: Int, pausedReason: String?) {
        self.address = address
        self.role = role
        self.nextNonce = nextNonce
        self.minedNonce = minedNonce
        self.inFlight = inFlight
        self.pausedReason = pausedReason
    }
}

/// One live tunable from `system_settings`.
public struct Setting: Sendable, Hashable {
    public var key: String
    public var value: String
    public var description: String

    public init(key: String, value: String, description: String) {
        self.key = key
        self.value = value
        self.description = description
    }
}
