/// Percentiles of a set of durations, the way the demo and the benchmark report them
/// (nearest rank: p50 of 1…100 is 50, p99 is 99).
public struct LatencySummary: Sendable, Equatable {
    public let count: Int
    public let p50: Double?
    public let p99: Double?
    public let max: Double?

    public init(seconds samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.percentile(sorted, 50)
        p99 = Self.percentile(sorted, 99)
        max = sorted.last
    }

    /// Nearest-rank percentile of sorted values, nil for none.
    public static func percentile(_ sorted: [Double], _ percent: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, Swift.max(1, rank)) - 1]
    }

    /// `p50 1.234 s, p99 2.345 s (n 100)`, or `no samples`.
    public var text: String {
        guard let p50, let p99 else { return "no samples" }
        func format(_ value: Double) -> String {
            let rounded = (value * 1000).rounded() / 1000
            return "\(rounded) s"
        }
        return "p50 \(format(p50)), p99 \(format(p99)) (n \(count))"
    }
}
