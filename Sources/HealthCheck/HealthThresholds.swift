/// The limits paymentd-health judges `stats` by. Defaults are the replaced system's own
/// monitoring advice where it gave one (sent for more than 60 s: alert; stuck more than
/// 5 minutes: the failure it existed to prevent; confirmation rate below 90 %; processing
/// above 60 s), and conservative choices where it gave none, each overridable by a flag.
///
/// "Above" limits alert when the value is greater than the limit (`failedMintsWarning` 0
/// alerts on any failed job), "below" limits when it is smaller — the Nagios range rule,
/// so the perfdata thresholds read the same.
public struct HealthThresholds: Sendable, Equatable {
    /// Oldest `sent` payment, seconds since broadcast.
    public var sentAgeWarning: Double = 60
    public var sentAgeCritical: Double = 300
    /// Oldest `pending` payment, seconds since enqueue (a queue that does not move).
    public var pendingAgeWarning: Double = 120
    public var pendingAgeCritical: Double = 600
    /// Pending payments.
    public var queueDepthWarning: Int = 1000
    public var queueDepthCritical: Int = 5000
    /// completed / (completed + confirmation_failed), as a fraction (0.9 = 90 %).
    public var confirmationRateWarning: Double = 0.90
    public var confirmationRateCritical: Double = 0.50
    /// Mean seconds from enqueue to completion over the last hour.
    public var averageProcessingWarning: Double = 60
    public var averageProcessingCritical: Double = 300
    /// Transactions a signer's balance still pays for at current fees.
    public var balanceTransactionsWarning: Int = 1000
    public var balanceTransactionsCritical: Int = 100
    /// Failed mint jobs (paid, not minted).
    public var failedMintsWarning: Int = 0
    public var failedMintsCritical: Int = 10
    /// Completed payments whose settlement a reorg took for good.
    public var settlementsLostWarning: Int = 0
    public var settlementsLostCritical: Int = 0

    public init() {}

    /// Pairs whose warning is worse than their critical, named as the flags are; empty when
    /// the thresholds make sense.
    public var contradictions: [String] {
        var problems: [String] = []
        func above(_ name: String, _ warning: Double, _ critical: Double) {
            if warning > critical { problems.append("--\(name)-warning must not exceed --\(name)-critical") }
        }
        func below(_ name: String, _ warning: Double, _ critical: Double) {
            if warning < critical { problems.append("--\(name)-warning must not be below --\(name)-critical") }
        }
        above("sent-age", sentAgeWarning, sentAgeCritical)
        above("pending-age", pendingAgeWarning, pendingAgeCritical)
        above("queue-depth", Double(queueDepthWarning), Double(queueDepthCritical))
        below("confirmation-rate", confirmationRateWarning, confirmationRateCritical)
        above("average-processing", averageProcessingWarning, averageProcessingCritical)
        below("balance-transactions", Double(balanceTransactionsWarning), Double(balanceTransactionsCritical))
        above("failed-mints", Double(failedMintsWarning), Double(failedMintsCritical))
        above("settlements-lost", Double(settlementsLostWarning), Double(settlementsLostCritical))
        return problems
    }
}
