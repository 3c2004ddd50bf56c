/// Everything one benchmark run is told: which scenarios, their sizes, and the chain's pace.
/// `quick` gives the sizes CI's smoke test runs (every scenario, seconds each).
public struct BenchOptions: Sendable, Equatable {
    public var scenarios: [BenchScenario] = BenchScenario.allCases
    public var ceilingTransactions = 3000
    public var throughputSizes = [50, 1000, 10_000]
    public var seedPayments = 500
    /// The replaced system's `payment_batch_size` (its code's default is 10).
    public var seedBatchSize = 10
    /// Threads of each x402 SDK facilitator run, and its payments (the lists pair up).
    public var peerThreads = [1, 32]
    public var peerPayments = [60, 600]
    public var enqueueSingle = 1000
    public var enqueueConcurrent = 5000
    public var concurrentClients = 64
    /// Socket connections the throughput runs enqueue from.
    public var enqueueConnections = 16
    public var bursts = 4
    public var burstSize = 50
    public var statsRows = [1000, 100_000, 1_000_000]
    public var statsCalls = 200
    public var lanes = [1, 2, 4, 8]
    public var instances = [1, 3]
    public var inFlight = [1, 4, 16, 64]
    public var scalePayments = 600
    /// Signer lanes of every run that does not vary them.
    public var signers = 4
    public var blockMilliseconds = 1000
    public var buyers = 8
    /// Seconds one run may take before the benchmark gives up on it.
    public var runTimeoutSeconds: Double = 1800

    public init() {}

    /// Tiny sizes: every scenario runs, in seconds each; for CI's correctness smoke test.
    public static var quick: BenchOptions {
        var options = BenchOptions()
        options.ceilingTransactions = 40
        options.throughputSizes = [20]
        options.seedPayments = 10
        options.peerThreads = [1, 4]
        options.peerPayments = [3, 8]
        options.enqueueSingle = 20
        options.enqueueConcurrent = 64
        options.concurrentClients = 8
        options.enqueueConnections = 4
        options.bursts = 1
        options.burstSize = 10
        options.statsRows = [100, 1000]
        options.statsCalls = 20
        options.lanes = [1, 2]
        options.instances = [1, 2]
        options.inFlight = [1, 16]
        options.scalePayments = 10
        options.runTimeoutSeconds = 300
        return options
    }
}
