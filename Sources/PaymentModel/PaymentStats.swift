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
    /// Completed payments whose settlement a reorg removed and that could not be restored
    /// (tokens may be minted, the money is not there): an operator must look.
    public var settlementsLost: Int
    /// Completed payments whose settlement a reorg removed, being restored now.
    public var settlementsRestoring: Int
    /// Paid payments with a mint that cannot be made and no refund recorded: the buyer was
    /// charged and not served (critical; `payctl list --refund-due`, then retry_mint or refund).
    public var refundsDue: Int
    /// The name of the instance that answered (several may share one database).
    public var instance: String?
    /// Who holds each lease: `lane:<signer>` and `coordinator` → instance name (absent: nobody).
    public var leases: [String: String]

    public init(counts: [PaymentStatus: Int], queueDepth: Int, oldestPendingAgeSeconds: Double?,
                oldestSentAgeSeconds: Double?, confirmationRate: Double?, averageProcessingSeconds: Double?,
                mintCounts: [MintStatus: Int], signers: [SignerState], rpcEndpoints: [RPCEndpointState] = [],
                settlementsLost: Int = 0, settlementsRestoring: Int = 0, refundsDue: Int = 0, instance: String? = nil,
                leases: [String: String] = [:]) {
        self.refundsDue = refundsDue
        self.counts = counts
        self.queueDepth = queueDepth
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.oldestSentAgeSeconds = oldestSentAgeSeconds
        self.confirmationRate = confirmationRate
        self.averageProcessingSeconds = averageProcessingSeconds
        self.mintCounts = mintCounts
        self.signers = signers
        self.rpcEndpoints = rpcEndpoints
        self.settlementsLost = settlementsLost
        self.settlementsRestoring = settlementsRestoring
        self.instance = instance
        self.leases = leases
    }

    /// The endpoint in use, if any.
    public var rpcEndpointInUse: RPCEndpointState? { rpcEndpoints.first { $0.inUse } }
}
