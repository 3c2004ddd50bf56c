import ArgumentParser
import HealthCheck
import OperatorCLI

/// One flag per threshold, defaulting to `HealthThresholds()` (the replaced system's
/// monitoring advice where it gave one).
struct ThresholdOptions: ParsableArguments {
    private static let defaults = HealthThresholds()

    @Option(name: .customLong("sent-age-warning"), help: "WARNING when the oldest sent payment waits longer than this for confirmation.")
    var sentAgeWarning = DurationArgument(seconds: defaults.sentAgeWarning)
    @Option(name: .customLong("sent-age-critical"), help: "CRITICAL when it waits longer than this (the replaced system's stuck transactions).")
    var sentAgeCritical = DurationArgument(seconds: defaults.sentAgeCritical)

    @Option(name: .customLong("pending-age-warning"), help: "WARNING when the oldest pending payment waits longer than this to be sent.")
    var pendingAgeWarning = DurationArgument(seconds: defaults.pendingAgeWarning)
    @Option(name: .customLong("pending-age-critical"), help: "CRITICAL when it waits longer than this.")
    var pendingAgeCritical = DurationArgument(seconds: defaults.pendingAgeCritical)

    @Option(name: .customLong("queue-depth-warning"), help: "WARNING when more payments than this are pending.")
    var queueDepthWarning = defaults.queueDepthWarning
    @Option(name: .customLong("queue-depth-critical"), help: "CRITICAL when more than this are pending.")
    var queueDepthCritical = defaults.queueDepthCritical

    @Option(name: .customLong("confirmation-rate-warning"), help: "WARNING when completed / (completed + confirmation_failed) is below this percentage.")
    var confirmationRateWarning = defaults.confirmationRateWarning * 100
    @Option(name: .customLong("confirmation-rate-critical"), help: "CRITICAL when it is below this percentage.")
    var confirmationRateCritical = defaults.confirmationRateCritical * 100

    @Option(name: .customLong("average-processing-warning"), help: "WARNING when the mean time from enqueue to completion (last hour) exceeds this.")
    var averageProcessingWarning = DurationArgument(seconds: defaults.averageProcessingWarning)
    @Option(name: .customLong("average-processing-critical"), help: "CRITICAL when it exceeds this.")
    var averageProcessingCritical = DurationArgument(seconds: defaults.averageProcessingCritical)

    @Option(name: .customLong("balance-transactions-warning"),
            help: "WARNING when a signer's balance pays for fewer transactions than this at current fees (when the daemon reports balances).")
    var balanceTransactionsWarning = defaults.balanceTransactionsWarning
    @Option(name: .customLong("balance-transactions-critical"), help: "CRITICAL when it pays for fewer than this.")
    var balanceTransactionsCritical = defaults.balanceTransactionsCritical

    @Option(name: .customLong("failed-mints-warning"), help: "WARNING when more mint jobs than this have failed (0: any).")
    var failedMintsWarning = defaults.failedMintsWarning
    @Option(name: .customLong("failed-mints-critical"), help: "CRITICAL when more than this have failed.")
    var failedMintsCritical = defaults.failedMintsCritical

    @Option(name: .customLong("settlements-lost-warning"), help: "WARNING when more settlements than this were lost to reorgs.")
    var settlementsLostWarning = defaults.settlementsLostWarning
    @Option(name: .customLong("settlements-lost-critical"), help: "CRITICAL when more than this were lost (0: any).")
    var settlementsLostCritical = defaults.settlementsLostCritical

    func validate() throws {
        for (name, value) in [("confirmation-rate-warning", confirmationRateWarning), ("confirmation-rate-critical", confirmationRateCritical)]
        where !(0...100).contains(value) {
            throw ValidationError("--\(name) is a percentage from 0 to 100 (got \(value)).")
        }
        let counts = [queueDepthWarning, queueDepthCritical, balanceTransactionsWarning, balanceTransactionsCritical, failedMintsWarning,
                      failedMintsCritical, settlementsLostWarning, settlementsLostCritical]
        if counts.contains(where: { $0 < 0 }) { throw ValidationError("Count thresholds must not be negative.") }
    }

    var thresholds: HealthThresholds {
        var t = HealthThresholds()
        t.sentAgeWarning = sentAgeWarning.seconds
        t.sentAgeCritical = sentAgeCritical.seconds
        t.pendingAgeWarning = pendingAgeWarning.seconds
        t.pendingAgeCritical = pendingAgeCritical.seconds
        t.queueDepthWarning = queueDepthWarning
        t.queueDepthCritical = queueDepthCritical
        t.confirmationRateWarning = confirmationRateWarning / 100
        t.confirmationRateCritical = confirmationRateCritical / 100
        t.averageProcessingWarning = averageProcessingWarning.seconds
        t.averageProcessingCritical = averageProcessingCritical.seconds
        t.balanceTransactionsWarning = balanceTransactionsWarning
        t.balanceTransactionsCritical = balanceTransactionsCritical
        t.failedMintsWarning = failedMintsWarning
        t.failedMintsCritical = failedMintsCritical
        t.settlementsLostWarning = settlementsLostWarning
        t.settlementsLostCritical = settlementsLostCritical
        return t
    }
}
