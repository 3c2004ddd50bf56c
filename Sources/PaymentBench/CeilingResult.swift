/// What the devchain did alone with the benchmark's transactions (`ChainCeiling`).
public struct CeilingResult: Sendable, Equatable {
    public var transactions: Int
    /// Transactions the node refused at broadcast (should be 0), and the first refusal.
    public var refused: Int
    public var firstRefusal: String?
    /// Of the last transaction of each relayer, how many reverted (should be 0).
    public var reverted: Int
    /// First send → last mined.
    public var seconds: Double
    /// First send → last broadcast answered.
    public var sendSeconds: Double
    public var blocks: Int
    public var blocksWithTransactions: Int
    public var meanPerBlock: Double
    public var maxPerBlock: Int
    public var gasPerTransaction: UInt64
    public var devchainCPUSeconds: Double
    public var blockMilliseconds: Int

    public init(transactions: Int, refused: Int, firstRefusal: String?, reverted: Int, seconds: Double, sendSeconds: Double,
                blocks: Int, blocksWithTransactions: Int, meanPerBlock: Double, maxPerBlock: Int, gasPerTransaction: UInt64,
                devchainCPUSeconds: Double, blockMilliseconds: Int) {
        self.transactions = transactions
        self.refused = refused
        self.firstRefusal = firstRefusal
        self.reverted = reverted
        self.seconds = seconds
        self.sendSeconds = sendSeconds
        self.blocks = blocks
        self.blocksWithTransactions = blocksWithTransactions
        self.meanPerBlock = meanPerBlock
        self.maxPerBlock = maxPerBlock
        self.gasPerTransaction = gasPerTransaction
        self.devchainCPUSeconds = devchainCPUSeconds
        self.blockMilliseconds = blockMilliseconds
    }

    /// Sustained: transactions mined per minute over the whole measurement. The ceiling.
    public var perMinute: Double {
        seconds > 0 ? Double(transactions - refused) / seconds * 60 : 0
    }

    /// Blocks mined per minute while it ran.
    public var blocksPerMinute: Double {
        seconds > 0 ? Double(blocks) / seconds * 60 : 0
    }

    /// The fullest block times the blocks a minute at the configured interval: what the node
    /// could do if every block were that full.
    public var peakPerMinute: Double {
        blockMilliseconds > 0 ? Double(maxPerBlock) * 60_000 / Double(blockMilliseconds) : 0
    }
}

/// Enqueue round trips from a number of concurrent clients (the enqueue scenario).
public struct EnqueueLatencyResult: Sendable, Equatable {
    public var clients: Int
    public var requests: Int
    public var failures: Int
    public var seconds: Double
    public var latency: LatencySummary?
    public var daemonCPUSeconds: Double
    public var devchainCPUSeconds: Double
    public var postgresCPUSeconds: Double

    public init(clients: Int, requests: Int, failures: Int, seconds: Double, latency: LatencySummary?,
                daemonCPUSeconds: Double, devchainCPUSeconds: Double, postgresCPUSeconds: Double) {
        self.clients = clients
        self.requests = requests
        self.failures = failures
        self.seconds = seconds
        self.latency = latency
        self.daemonCPUSeconds = daemonCPUSeconds
        self.devchainCPUSeconds = devchainCPUSeconds
        self.postgresCPUSeconds = postgresCPUSeconds
    }

    public var perSecond: Double {
        seconds > 0 ? Double(requests - failures) / seconds : 0
    }
}

/// The socket's `stats` command timed with a number of history rows in `payment_queue`.
public struct StatsLatencyResult: Sendable, Equatable {
    public var rows: Int
    public var insertSeconds: Double
    public var latency: LatencySummary?

    public init(rows: Int, insertSeconds: Double, latency: LatencySummary?) {
        self.rows = rows
        self.insertSeconds = insertSeconds
        self.latency = latency
    }
}
