/// What one chaos drill does: how many payments, which faults, how long it may take.
public struct ChaosOptions: Sendable {
    public var payments: Int
    public var seed: UInt64
    public var kills: Int
    public var reorgs: Int
    public var rpcFaults: Int
    public var maxReorgDepth: Int
    /// Reorgs (of `reorgs`) whose new fork holds a payer re-spending an orphaned payment's nonce.
    public var respends: Int
    /// Payments a third party relays before the drill enqueues them (front-runs).
    public var frontRuns: Int
    /// Bursts of third-party relays of pending payments.
    public var relays: Int
    /// Bursts of operator cancels of payments in flight.
    public var cancels: Int
    /// Windows in which our transfers revert (gas starved), each followed by relays.
    public var revertWindows: Int
    public var blockMilliseconds: Int
    public var signers: Int
    public var buyers: Int
    /// Seconds the whole drill may take before it is declared stuck.
    public var timeoutSeconds: Double
    /// Where to copy the daemons' and the devchain's logs (they are removed otherwise).
    public var keepLogsDirectory: String?

    public init(payments: Int = 2000, seed: UInt64 = 1, kills: Int = 4, reorgs: Int = 4, rpcFaults: Int = 6, maxReorgDepth: Int = 8,
                respends: Int = 1, frontRuns: Int = 3, relays: Int = 2, cancels: Int = 2, revertWindows: Int = 1,
                blockMilliseconds: Int = 1000, signers: Int = 4, buyers: Int = 8, timeoutSeconds: Double = 1200,
                keepLogsDirectory: String? = nil) {
        self.respends = respends
        self.frontRuns = frontRuns
        self.relays = relays
        self.cancels = cancels
        self.revertWindows = revertWindows
        self.payments = payments
        self.seed = seed
        self.kills = kills
        self.reorgs = reorgs
        self.rpcFaults = rpcFaults
        self.maxReorgDepth = maxReorgDepth
        self.blockMilliseconds = blockMilliseconds
        self.signers = signers
        self.buyers = buyers
        self.timeoutSeconds = timeoutSeconds
        self.keepLogsDirectory = keepLogsDirectory
    }
}
