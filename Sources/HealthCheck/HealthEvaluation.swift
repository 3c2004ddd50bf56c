import OperatorCLI
import PaymentModel

/// paymentd-health's judgement, pure: an observation and thresholds in, a report out. No I/O,
/// no clock, so every threshold is pinned by unit tests and the binary only gathers facts.
public struct HealthEvaluation: Sendable {
    public var thresholds: HealthThresholds

    public init(thresholds: HealthThresholds = HealthThresholds()) {
        self.thresholds = thresholds
    }

    public func evaluate(_ observation: HealthObservation) -> HealthReport {
        switch observation {
        case .daemonDown(let reason):
            return HealthReport(status: .critical, checks: [CheckResult(name: "daemon", status: .critical, message: nil)], facts: [],
                                perfdata: [PerfDatum("up", 0, maximum: "1")], failure: "daemon unreachable: \(reason)", stats: nil)
        case .undetermined(let reason):
            return HealthReport(status: .unknown, checks: [CheckResult(name: "daemon", status: .unknown, message: nil)], facts: [],
                                perfdata: [PerfDatum("up", 0, maximum: "1")], failure: reason, stats: nil)
        case .stats(let stats, _):
            return evaluate(stats)
        }
    }

    func evaluate(_ stats: PaymentStats) -> HealthReport {
        let t = thresholds
        var checks: [CheckResult] = []
        let sentAge = stats.oldestSentAgeSeconds ?? 0
        checks.append(above("sent_age", sentAge, t.sentAgeWarning, t.sentAgeCritical) { limit in
            "oldest sent \(DurationText.format(sentAge)) > \(DurationText.format(limit))"
        })
        let pendingAge = stats.oldestPendingAgeSeconds ?? 0
        checks.append(above("pending_age", pendingAge, t.pendingAgeWarning, t.pendingAgeCritical) { limit in
            "oldest pending \(DurationText.format(pendingAge)) > \(DurationText.format(limit))"
        })
        checks.append(above("queue_depth", Double(stats.queueDepth), Double(t.queueDepthWarning), Double(t.queueDepthCritical)) { limit in
            "queue depth \(stats.queueDepth) > \(Int(limit))"
        })
        if let rate = stats.confirmationRate {
            checks.append(below("confirmation_rate", rate, t.confirmationRateWarning, t.confirmationRateCritical) { limit in
                "confirm \(StatsView.percent(rate)) < \(StatsView.percent(limit))"
            })
        }
        if let average = stats.averageProcessingSeconds {
            checks.append(above("average_processing", average, t.averageProcessingWarning, t.averageProcessingCritical) { limit in
                "average processing \(DurationText.format(average)) > \(DurationText.format(limit))"
            })
        }
        checks.append(pausedSigners(stats.signers))
        let funds = stats.signers.compactMap { signer in SignerFunds.transactionsLeft(signer).map { (signer, $0) } }
        if let poorest = funds.min(by: { $0.1 < $1.1 }) {
            let left = Double(poorest.1)
            checks.append(below("signer_balance", left, Double(t.balanceTransactionsWarning), Double(t.balanceTransactionsCritical)) { limit in
                "\(poorest.0.role == .mint ? "minter" : "signer") \(HashText.abbreviate(poorest.0.address)) can pay for \(poorest.1) more transactions (< \(Int(limit)))"
            })
        }
        let failedMints = stats.mintCounts[.failed] ?? 0
        checks.append(above("failed_mints", Double(failedMints), Double(t.failedMintsWarning), Double(t.failedMintsCritical)) { _ in
            "\(failedMints) failed mint job\(failedMints == 1 ? "" : "s") (payctl retry-mint)"
        })
        checks.append(above("settlements_lost", Double(stats.settlementsLost), Double(t.settlementsLostWarning), Double(t.settlementsLostCritical)) { _ in
            "\(stats.settlementsLost) settlement\(stats.settlementsLost == 1 ? "" : "s") lost to reorgs (payctl list --lost)"
        })
        // A buyer charged and not served is never normal: no threshold to tune.
        checks.append(above("refunds_due", Double(stats.refundsDue), 0, 0) { _ in
            "\(stats.refundsDue) charged buyer\(stats.refundsDue == 1 ? "" : "s") whose mints failed and who \(stats.refundsDue == 1 ? "is" : "are") "
                + "not refunded (payctl list --refund-due; then payctl retry-mint or payctl refund)"
        })
        checks.append(rpcEndpoints(stats.rpcEndpoints))
        let status = checks.map(\.status).max() ?? .ok
        return HealthReport(status: status, checks: checks, facts: facts(stats), perfdata: perfdata(stats, funds: funds.map(\.1)),
                            failure: nil, stats: stats)
    }

    // MARK: Checks

    private func above(_ name: String, _ value: Double, _ warning: Double, _ critical: Double, _ message: (Double) -> String) -> CheckResult {
        if value > critical { return CheckResult(name: name, status: .critical, message: message(critical)) }
        if value > warning { return CheckResult(name: name, status: .warning, message: message(warning)) }
        return CheckResult(name: name, status: .ok)
    }

    private func below(_ name: String, _ value: Double, _ warning: Double, _ critical: Double, _ message: (Double) -> String) -> CheckResult {
        if value < critical { return CheckResult(name: name, status: .critical, message: message(critical)) }
        if value < warning { return CheckResult(name: name, status: .warning, message: message(warning)) }
        return CheckResult(name: name, status: .ok)
    }

    /// Some payment signers paused: the others carry the load (warning). Every payment signer,
    /// or the minter, paused: nothing of that kind goes out (critical).
    private func pausedSigners(_ signers: [SignerState]) -> CheckResult {
        let paused = signers.filter { $0.pausedReason != nil }
        guard !paused.isEmpty else { return CheckResult(name: "signers_paused", status: .ok) }
        let payment = signers.filter { $0.role == .payment }
        let everyPaymentSigner = !payment.isEmpty && payment.allSatisfy { $0.pausedReason != nil }
        let minterPaused = paused.contains { $0.role == .mint }
        let described = paused.map { "\($0.role == .mint ? "minter" : "signer") \(HashText.abbreviate($0.address)) paused: \($0.pausedReason ?? "")" }
        return CheckResult(name: "signers_paused", status: everyPaymentSigner || minterPaused ? .critical : .warning,
                           message: described.joined(separator: ", "))
    }

    /// Some endpoint failing or excluded: warning (failover carries on). None healthy: critical.
    private func rpcEndpoints(_ endpoints: [RPCEndpointState]) -> CheckResult {
        let unhealthy = endpoints.filter { $0.health != .healthy }
        guard !unhealthy.isEmpty else { return CheckResult(name: "rpc_endpoints", status: .ok) }
        if unhealthy.count == endpoints.count {
            return CheckResult(name: "rpc_endpoints", status: .critical, message: "no RPC endpoint healthy (\(unhealthy.map { "\($0.url) \($0.health.rawValue)" }.joined(separator: ", ")))")
        }
        return CheckResult(name: "rpc_endpoints", status: .warning,
                           message: "RPC endpoint \(unhealthy.map { "\($0.url) \($0.health.rawValue)" }.joined(separator: ", "))")
    }

    // MARK: Summary and perfdata

    private func facts(_ stats: PaymentStats) -> [String] {
        var facts: [String] = []
        if (stats.oldestSentAgeSeconds ?? 0) <= thresholds.sentAgeWarning {
            facts.append("0 sent > \(DurationText.format(thresholds.sentAgeWarning))")
        }
        facts.append("confirm \(StatsView.percent(stats.confirmationRate))")
        facts.append("queue \(stats.queueDepth)")
        return facts
    }

    private func perfdata(_ stats: PaymentStats, funds: [UInt64]) -> [PerfDatum] {
        let t = thresholds
        var data = [
            PerfDatum("queue_depth", Double(stats.queueDepth), warning: "\(t.queueDepthWarning)", critical: "\(t.queueDepthCritical)"),
            PerfDatum("sent_age", stats.oldestSentAgeSeconds ?? 0, unit: "s", warning: PerfDatum.number(t.sentAgeWarning),
                      critical: PerfDatum.number(t.sentAgeCritical)),
            PerfDatum("pending_age", stats.oldestPendingAgeSeconds ?? 0, unit: "s", warning: PerfDatum.number(t.pendingAgeWarning),
                      critical: PerfDatum.number(t.pendingAgeCritical)),
            PerfDatum("confirmation_rate", stats.confirmationRate.map { $0 * 100 }, unit: "%",
                      warning: PerfDatum.number(t.confirmationRateWarning * 100) + ":", critical: PerfDatum.number(t.confirmationRateCritical * 100) + ":",
                      maximum: "100"),
            PerfDatum("average_processing", stats.averageProcessingSeconds, unit: "s", warning: PerfDatum.number(t.averageProcessingWarning),
                      critical: PerfDatum.number(t.averageProcessingCritical)),
        ]
        for status in PaymentStatus.allCases {
            data.append(PerfDatum(status.rawValue, Double(stats.counts[status] ?? 0)))
        }
        data.append(PerfDatum("failed_mints", Double(stats.mintCounts[.failed] ?? 0), warning: "\(t.failedMintsWarning)",
                              critical: "\(t.failedMintsCritical)"))
        data.append(PerfDatum("settlements_lost", Double(stats.settlementsLost), warning: "\(t.settlementsLostWarning)",
                              critical: "\(t.settlementsLostCritical)"))
        data.append(PerfDatum("settlements_restoring", Double(stats.settlementsRestoring)))
        data.append(PerfDatum("refunds_due", Double(stats.refundsDue), warning: "0", critical: "0"))
        data.append(PerfDatum("signers_paused", Double(stats.signers.filter { $0.pausedReason != nil }.count)))
        if let poorest = funds.min() {
            data.append(PerfDatum("signer_transactions_left", Double(poorest), warning: "\(t.balanceTransactionsWarning):",
                                  critical: "\(t.balanceTransactionsCritical):"))
        }
        data.append(PerfDatum("rpc_unhealthy", Double(stats.rpcEndpoints.filter { $0.health != .healthy }.count)))
        return data
    }
}
