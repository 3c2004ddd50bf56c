/// What one chaos drill does: how many payments, which faults, how long it may take.
public struct ChaosOptions: Sendable {
    public var payments: Int
    public var seed: UInt64
    public var kills: Int
    public var reorgs: Int
    public var rpcFaults: Int
    public var maxReorgDepth: Int
    public var blockMilliseconds: Int
    public var signers: Int
    public var buyers: Int
    /// Seconds the whole drill may take before it is declared stuck.
    public var timeoutSeconds: Double
    /// Where to copy the daemons' and the devchain's logs (they are removed otherwise).
    public var keepLogsDirectory: String?

    public init(payments: Int = 2000, seed: UInt64 = 1, kills: Int = 4, reorgs: Int = 4, rpcFaults: Int = 6, maxReorgDepth: Int = 8,
                blockMilliseconds: Int = 1000, signers: Int = 4, buyers: Int = 8, timeoutSeconds: Double = 1200,
                keepLogsDirectory: String? = nil) {
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
