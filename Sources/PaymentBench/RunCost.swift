/// What one run cost, and who spent it: the daemon's CPU and memory, the statements it ran in
/// PostgreSQL and the requests it made of the node, plus the CPU the devchain, PostgreSQL and
/// the benchmark itself (buyers' clients) used over the same interval, so the report can say
/// where the time went.
public struct RunCost: Sendable, Equatable {
    public var daemonCPUSeconds: Double
    public var devchainCPUSeconds: Double
    public var postgresCPUSeconds: Double
    public var benchCPUSeconds: Double
    /// The largest `VmHWM` among the run's instances.
    public var peakResidentBytes: UInt64
    /// Statements the daemons ran (`pg_stat_statements` calls, BEGIN and COMMIT included), or
    /// nil when it was not available.
    public var statements: Int?
    /// Transactions committed or rolled back in the run's database, the benchmark's own polls
    /// subtracted (`pg_stat_database`, flushed when the daemons' sessions end).
    public var transactions: Int
    /// HTTP requests the node served (a batch counts once) and the JSON-RPC calls in them.
    public var rpcRequests: Int
    public var rpcCalls: Int
    /// Calls per method, the most frequent first.
    public var rpcMethods: [(name: String, calls: Int)]

    public init(daemonCPUSeconds: Double, devchainCPUSeconds: Double, postgresCPUSeconds: Double, benchCPUSeconds: Double,
                peakResidentBytes: UInt64, statements: Int?, transactions: Int, rpcRequests: Int, rpcCalls: Int,
                rpcMethods: [(name: String, calls: Int)]) {
        self.daemonCPUSeconds = daemonCPUSeconds
        self.devchainCPUSeconds = devchainCPUSeconds
        self.postgresCPUSeconds = postgresCPUSeconds
        self.benchCPUSeconds = benchCPUSeconds
        self.peakResidentBytes = peakResidentBytes
        self.statements = statements
        self.transactions = transactions
        self.rpcRequests = rpcRequests
        self.rpcCalls = rpcCalls
        self.rpcMethods = rpcMethods
    }

    public static func == (lhs: RunCost, rhs: RunCost) -> Bool {
        lhs.daemonCPUSeconds == rhs.daemonCPUSeconds && lhs.devchainCPUSeconds == rhs.devchainCPUSeconds
            && lhs.postgresCPUSeconds == rhs.postgresCPUSeconds && lhs.benchCPUSeconds == rhs.benchCPUSeconds
            && lhs.peakResidentBytes == rhs.peakResidentBytes && lhs.statements == rhs.statements
            && lhs.transactions == rhs.transactions && lhs.rpcRequests == rhs.rpcRequests && lhs.rpcCalls == rhs.rpcCalls
            && lhs.rpcMethods.map(\.name) == rhs.rpcMethods.map(\.name) && lhs.rpcMethods.map(\.calls) == rhs.rpcMethods.map(\.calls)
    }
}
