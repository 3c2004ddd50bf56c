/// Percentiles of a set of durations, in milliseconds.
///
/// Exact, from a sorted array: a benchmark run holds at most some tens of thousands of samples,
/// so sorting them costs nothing worth a histogram library (hdrhistogram-swift would bring
/// swift-numerics and the DocC plugin into every build for three numbers). A percentile is the
/// smallest sample at or above that fraction of the samples (nearest rank).
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    /// nil for no samples.
    public init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.rank(sorted, 0.50)
        p99 = Self.rank(sorted, 0.99)
        p999 = Self.rank(sorted, 0.999)
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    public init(count: Int, p50: Double, p99: Double, p999: Double, max: Double, mean: Double) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }

    /// Nearest rank: the sample at index ceil(q × n) − 1.
    static func rank(_ sorted: [Double], _ quantile: Double) -> Double {
        let index = Int((quantile * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
    }
}
