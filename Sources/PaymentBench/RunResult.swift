/// One run of payments through paymentd: what was asked, how long it took, how fast each
/// payment moved, and what it cost.
public struct RunResult: Sendable, Equatable {
    /// e.g. `throughput-1000`, `lanes-4`, `seed-replaced`.
    public var name: String
    public var payments: Int
    public var signers: Int
    public var instances: Int
    /// Settings the run changed from the defaults (`max_pending_per_payer` aside).
    public var settings: [String: String]
    public var enqueued: Int
    public var enqueueFailures: Int
    public var completed: Int
    public var failed: Int
    public var minted: Int
    /// First enqueue sent → last enqueue answered.
    public var enqueueSeconds: Double
    /// First enqueue sent → every payment terminal.
    public var settledSeconds: Double?
    /// First enqueue sent → every payment terminal and every completed one minted.
    public var seconds: Double?
    public var enqueueLatency: LatencySummary?
    public var enqueueToSent: LatencySummary?
    public var enqueueToCompleted: LatencySummary?
    public var enqueueToMinted: LatencySummary?
    /// Per burst: seconds from the burst's last enqueue until all of it was sent.
    public var allSentAfterLastEnqueue: [Double]
    /// Blocks the chain mined during the run.
    public var blocks: Int
    public var cost: RunCost

    public init(name: String, payments: Int, signers: Int, instances: Int, settings: [String: String], enqueued: Int,
                enqueueFailures: Int, completed: Int, failed: Int, minted: Int, enqueueSeconds: Double, settledSeconds: Double?,
                seconds: Double?, enqueueLatency: LatencySummary?, enqueueToSent: LatencySummary?, enqueueToCompleted: LatencySummary?,
                enqueueToMinted: LatencySummary?, allSentAfterLastEnqueue: [Double], blocks: Int, cost: RunCost) {
        self.name = name
        self.payments = payments
        self.signers = signers
        self.instances = instances
        self.settings = settings
        self.enqueued = enqueued
        self.enqueueFailures = enqueueFailures
        self.completed = completed
        self.failed = failed
        self.minted = minted
        self.enqueueSeconds = enqueueSeconds
        self.settledSeconds = settledSeconds
        self.seconds = seconds
        self.enqueueLatency = enqueueLatency
        self.enqueueToSent = enqueueToSent
        self.enqueueToCompleted = enqueueToCompleted
        self.enqueueToMinted = enqueueToMinted
        self.allSentAfterLastEnqueue = allSentAfterLastEnqueue
        self.blocks = blocks
        self.cost = cost
    }

    /// Completed and minted payments per minute, over `seconds`.
    public var paymentsPerMinute: Double? {
        guard let seconds, seconds > 0 else { return nil }
        return Double(completed) / seconds * 60
    }

    /// Enqueues per second over the enqueue phase.
    public var enqueuesPerSecond: Double {
        enqueueSeconds > 0 ? Double(enqueued) / enqueueSeconds : 0
    }

    /// Whether every payment asked for was enqueued, completed and minted.
    public var allCompleted: Bool {
        enqueueFailures == 0 && completed == payments && minted == payments
    }

    public func perPayment(_ value: Double) -> Double {
        payments > 0 ? value / Double(payments) : 0
    }
}
