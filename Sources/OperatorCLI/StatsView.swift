import PaymentModel

/// `payctl stats` for people: the monitoring numbers in a few lines, then one line per signer
/// lane and per RPC endpoint. Problems are coloured on a terminal (a paused signer, a lost
/// settlement, an endpoint backing off) so they stand out at a glance.
public struct StatsView: Sendable {
    public var style: TerminalStyle

    public init(style: TerminalStyle) {
        self.style = style
    }

    public func render(_ stats: PaymentStats) -> String {
        var summary = TextTable(headers: ["payments", PaymentStatus.allCases.map { "\($0.rawValue) \(stats.counts[$0] ?? 0)" }.joined(separator: "  ")])
        summary.append(["queue", "depth \(stats.queueDepth), oldest pending \(age(stats.oldestPendingAgeSeconds)), oldest sent \(age(stats.oldestSentAgeSeconds))"])
        summary.append(["rates", "confirmation \(Self.percent(stats.confirmationRate)), average processing \(age(stats.averageProcessingSeconds))"])
        summary.append(["mints", MintStatus.allCases.map { status in
            let count = stats.mintCounts[status] ?? 0
            let text = "\(status.rawValue) \(count)"
            return status == .failed && count > 0 ? style.paint(text, .red) : text
        }.joined(separator: "  ")])
        let lost = "lost \(stats.settlementsLost)"
        summary.append(["settlements", (stats.settlementsLost > 0 ? style.paint(lost, .red) : lost) + ", restoring \(stats.settlementsRestoring)"])
        let refunds = "\(stats.refundsDue) due" + (stats.refundsDue > 0 ? " (charged, mints failed: payctl list --refund-due)" : "")
        summary.append(["refunds", stats.refundsDue > 0 ? style.paint(refunds, .red) : refunds])
        var output = summary.render()
        if !stats.signers.isEmpty {
            var signers = TextTable(headers: ["SIGNER", "ROLE", "NEXT NONCE", "MINED", "IN FLIGHT", "BALANCE ETH", "STATE"],
                                    alignments: [.left, .left, .right, .right, .right, .right, .left])
            for signer in stats.signers {
                signers.append([
                    HashText.show(signer.address, style: style), signer.role.rawValue, String(signer.nextNonce),
                    signer.minedNonce.map(String.init) ?? "", String(signer.inFlight),
                    signer.balanceWei.map { TokenAmount.units($0, decimals: 18) } ?? "",
                    signer.pausedReason.map { style.paint("paused: \($0)", .red) } ?? style.paint("sending", .green),
                ])
            }
            output += "\n" + signers.render()
        }
        if !stats.rpcEndpoints.isEmpty {
            var endpoints = TextTable(headers: ["RPC ENDPOINT", "HEALTH", "IN USE", "FAILURES", "LAST ERROR"],
                                      alignments: [.left, .left, .left, .right, .left])
            for endpoint in stats.rpcEndpoints {
                let health = endpoint.health.rawValue + (endpoint.retryInSeconds.map { " (retry in \(DurationText.format($0)))" } ?? "")
                endpoints.append([endpoint.url, endpoint.health == .healthy ? style.paint(health, .green) : style.paint(health, .yellow),
                                  endpoint.inUse ? "yes" : "no", String(endpoint.consecutiveFailures), endpoint.lastError ?? ""])
            }
            output += "\n" + endpoints.render()
        }
        return output
    }

    private func age(_ seconds: Double?) -> String {
        seconds.map(DurationText.format) ?? "-"
    }

    /// `0.998` → `99.8%`; `-` before anything settled.
    public static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return "-" }
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
