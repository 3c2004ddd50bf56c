import Foundation

/// Everything one benchmark run measured, with the machine and the command that produced it:
/// printed as a table for people (`BenchReport+Table`) and as one JSON object for scripts and
/// for keeping (`BenchReport+JSON`).
public struct BenchReport: Sendable {
    public var machine: MachineDescription
    public var command: String
    public var options: BenchOptions
    public var startedAt: Date
    public var seconds: Double
    /// `/proc/loadavg` sampled every few seconds while the benchmark ran: other work on the
    /// machine moves every figure.
    public var loadAverages: [Double]
    public var statementsSource: String
    public var ceiling: CeilingResult?
    public var throughput: [RunResult] = []
    /// The replaced system's pacing and ours, the same workload.
    public var seed: (replaced: RunResult, ours: RunResult)?
    /// The x402 SDK's own facilitator, one run per thread count.
    public var peer: [PeerResult] = []
    public var enqueue: [RunResult] = []
    public var latency: RunResult?
    public var stats: [StatsLatencyResult] = []
    public var lanes: [RunResult] = []
    public var instances: [RunResult] = []
    public var inFlight: [RunResult] = []
    /// Scenarios that could not run, with the reason.
    public var errors: [String] = []

    public init(machine: MachineDescription, command: String, options: BenchOptions, startedAt: Date) {
        self.machine = machine
        self.command = command
        self.options = options
        self.startedAt = startedAt
        seconds = 0
        loadAverages = []
        statementsSource = "pg_stat_statements"
    }

    /// Every run through paymentd in the report, for checks that hold for all of them.
    public var runs: [RunResult] {
        throughput + (seed.map { [$0.replaced, $0.ours] } ?? []) + enqueue + (latency.map { [$0] } ?? []) + lanes + instances + inFlight
    }

    /// A run's completed/min as a fraction of the devchain's ceiling.
    public func ceilingFraction(_ run: RunResult) -> Double? {
        guard let ceiling, ceiling.perMinute > 0, let rate = run.paymentsPerMinute else { return nil }
        return rate / ceiling.perMinute
    }

    /// Ours / the replaced system's pacing, completed/min.
    public var seedRatio: Double? {
        guard let seed, let ours = seed.ours.paymentsPerMinute, let theirs = seed.replaced.paymentsPerMinute, theirs > 0 else { return nil }
        return ours / theirs
    }

    /// Our best sustained completed/min (the throughput runs) over the peer's best settled/min.
    public var peerMultiple: Double? {
        guard let ours = throughput.compactMap(\.paymentsPerMinute).max(), let theirs = peer.map(\.perMinute).max(), theirs > 0 else { return nil }
        return ours / theirs
    }

    /// The run whose costs the summary quotes: the largest throughput run.
    public var costRun: RunResult? {
        throughput.max { $0.payments < $1.payments }
    }

    /// Mean, max of the load samples.
    public var loadSummary: (mean: Double, max: Double)? {
        guard !loadAverages.isEmpty else { return nil }
        return (loadAverages.reduce(0, +) / Double(loadAverages.count), loadAverages.max() ?? 0)
    }
}
