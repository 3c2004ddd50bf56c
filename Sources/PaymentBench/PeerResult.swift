import JSON

/// What the x402 SDK's own facilitator did with the benchmark's payments (`PeerFacilitator`),
/// as `x402-sdk/facilitator_peer.py` reported it.
public struct PeerResult: Sendable, Equatable {
    public var threads: Int
    public var total: Int
    public var settled: Int
    public var failed: Int
    /// First verify → last answer.
    public var seconds: Double
    /// Failed payments by the SDK's reason (or the exception's class).
    public var failures: [String: Int]
    public var settleP50Milliseconds: Double?
    public var settleP99Milliseconds: Double?
    public var devchainCPUSeconds: Double = 0

    public init(threads: Int, total: Int, settled: Int, failed: Int, seconds: Double, failures: [String: Int],
                settleP50Milliseconds: Double?, settleP99Milliseconds: Double?) {
        self.threads = threads
        self.total = total
        self.settled = settled
        self.failed = failed
        self.seconds = seconds
        self.failures = failures
        self.settleP50Milliseconds = settleP50Milliseconds
        self.settleP99Milliseconds = settleP99Milliseconds
    }

    /// Reads the script's one JSON line.
    init(json value: JSONValue) throws {
        let object = try JSONObjectReader(value, path: "peer")
        var failures: [String: Int] = [:]
        for (reason, count) in try object.object("failures").fields { failures[reason] = Int(count.intValue ?? 0) }
        self.init(threads: Int(try object.int("threads")), total: Int(try object.int("total")), settled: Int(try object.int("settled")),
                  failed: Int(try object.int("failed")), seconds: try object.optionalDouble("seconds") ?? 0, failures: failures,
                  settleP50Milliseconds: try object.optionalDouble("settle_p50_ms"),
                  settleP99Milliseconds: try object.optionalDouble("settle_p99_ms"))
    }

    /// Settled per minute over the run.
    public var perMinute: Double {
        seconds > 0 ? Double(settled) / seconds * 60 : 0
    }
}
