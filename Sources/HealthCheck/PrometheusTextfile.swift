import PaymentModel

/// The node_exporter textfile collector's format (`*.prom`: `# HELP`, `# TYPE`, samples) for
/// a check run: the daemon's numbers with Prometheus-style names (`paymentd_payments{status="sent"}`,
/// `paymentd_oldest_sent_age_seconds`, …), whether it answered (`paymentd_up`) and the check's
/// verdict, so dashboards and alert rules need no second poller.
public enum PrometheusTextfile {
    public static func render(_ report: HealthReport, timestamp: Double) -> String {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { out += "\(name)\(sample.labels) \(PerfDatum.number(sample.value))\n" }
        }
        metric("paymentd_up", "Whether paymentd answered the health check (1) or not (0).", [("", report.stats == nil ? 0 : 1)])
        metric("paymentd_health_status", "The health check's verdict: 0 ok, 1 warning, 2 critical, 3 unknown.",
               [("", Double(report.status.exitCode))])
        metric("paymentd_health_check_timestamp_seconds", "When the health check ran (Unix time).", [("", timestamp.rounded())])
        if let stats = report.stats {
            metric("paymentd_payments", "Payments per status.",
                   PaymentStatus.allCases.map { ("{status=\"\($0.rawValue)\"}", Double(stats.counts[$0] ?? 0)) })
            metric("paymentd_queue_depth", "Pending payments waiting for the send loop.", [("", Double(stats.queueDepth))])
            metric("paymentd_oldest_pending_age_seconds", "Age of the oldest pending payment (0 when none).", [("", stats.oldestPendingAgeSeconds ?? 0)])
            metric("paymentd_oldest_sent_age_seconds", "Time since the oldest unconfirmed payment was broadcast (0 when none).",
                   [("", stats.oldestSentAgeSeconds ?? 0)])
            metric("paymentd_confirmation_rate", "completed / (completed + confirmation_failed), 0 to 1.",
                   stats.confirmationRate.map { [("", $0)] } ?? [])
            metric("paymentd_average_processing_seconds", "Mean seconds from enqueue to completion over the last hour.",
                   stats.averageProcessingSeconds.map { [("", $0)] } ?? [])
            metric("paymentd_mint_jobs", "Mint jobs per status.", MintStatus.allCases.map { ("{status=\"\($0.rawValue)\"}", Double(stats.mintCounts[$0] ?? 0)) })
            metric("paymentd_settlements_lost", "Completed payments whose settlement a reorg took and nothing could restore.",
                   [("", Double(stats.settlementsLost))])
            metric("paymentd_refunds_due", "Paid payments whose mints failed and whose buyer is not refunded.",
                   [("", Double(stats.refundsDue))])
            metric("paymentd_settlements_restoring", "Completed payments whose settlement is being restored after a reorg.",
                   [("", Double(stats.settlementsRestoring))])
            let signers = stats.signers.map { (signer: $0, labels: "{address=\"\($0.address)\",role=\"\($0.role.rawValue)\"}") }
            metric("paymentd_signer_paused", "Whether the signer is paused (1) and sends nothing.", signers.map { ($0.labels, $0.signer.pausedReason == nil ? 0 : 1) })
            metric("paymentd_signer_in_flight", "Transactions of the signer assigned a nonce but not confirmed.", signers.map { ($0.labels, Double($0.signer.inFlight)) })
            metric("paymentd_signer_next_nonce", "The next nonce the signer will use.", signers.map { ($0.labels, Double($0.signer.nextNonce)) })
            metric("paymentd_signer_transactions_left", "Transactions the signer's balance still pays for at current fees.",
                   signers.compactMap { entry in SignerFunds.transactionsLeft(entry.signer).map { (entry.labels, Double($0)) } })
            metric("paymentd_rpc_endpoint_healthy", "Whether the RPC endpoint answers (1) or not (0).",
                   stats.rpcEndpoints.map { ("{url=\"\(escape($0.url))\"}", $0.health == .healthy ? 1 : 0) })
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped, as the exposition format requires.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
