import Foundation

/// The report as people read it: the machine and its load first, then one block per scenario,
/// numbers rounded to what they can bear.
extension BenchReport {
    public var table: String {
        var out: [String] = []
        out.append("paymentd-bench, \(ISO8601DateFormatter().string(from: startedAt)), \(Self.f(seconds, 0)) s")
        out.append("command:  \(command)")
        out.append("machine:  \(machine.cpuModel), \(machine.cores) cores, \(machine.memoryBytes >> 30) GiB, \(machine.operatingSystem), "
                   + "Linux \(machine.kernel)")
        out.append("build:    \(machine.swiftVersion), commit \(machine.gitCommit)\(machine.gitDirty ? " (with uncommitted changes)" : "")")
        let start = machine.loadAverageAtStart.first.map { Self.f($0, 1) } ?? "?"
        let during = loadSummary.map { "mean \(Self.f($0.mean, 1)), max \(Self.f($0.max, 1))" } ?? "not sampled"
        out.append("load:     \(start) at start; during the run \(during) (1-minute load average on \(machine.cores) cores)")
        out.append("devchain: py-evm, \(options.blockMilliseconds) ms blocks, on the same cores; PostgreSQL 15 throwaway cluster, fsync off; "
                   + "statements counted by \(statementsSource)")
        if let ceiling {
            out.append("")
            out.append("DEVCHAIN CEILING (transferWithAuthorization signed beforehand, sent straight to the node, no paymentd)")
            out.append("  \(ceiling.transactions) mined in \(Self.f(ceiling.seconds, 1)) s = \(Self.f(ceiling.perMinute, 0))/min; "
                       + "\(Self.f(ceiling.meanPerBlock, 0)) per block mean, \(ceiling.maxPerBlock) max, \(Self.f(ceiling.blocksPerMinute, 0)) blocks/min, "
                       + "\(ceiling.gasPerTransaction) gas each; node CPU \(Self.f(ceiling.devchainCPUSeconds, 1)) s"
                       + (ceiling.refused + ceiling.reverted > 0 ? "; \(ceiling.refused) refused, \(ceiling.reverted) reverted" : ""))
        }
        if !throughput.isEmpty {
            out.append("")
            out.append("THROUGHPUT (enqueue over \(options.enqueueConnections) connections -> completed and minted; \(options.signers) signer lanes)")
            out += runTable(throughput, label: "payments") { String($0.payments) }
        }
        if let seed {
            out.append("")
            out.append("REPLACED SYSTEM'S PACING vs OURS (same \(seed.ours.payments) payments)")
            out.append("  replaced: payment_batch_size \(options.seedBatchSize) every 4 s, no wake-up on enqueue, 20 receipts every 2 s "
                       + "(at most \(Self.f(Double(options.seedBatchSize) * 15, 0)) sent/min, 600 confirmed/min)")
            out += runTable([seed.replaced, seed.ours], label: "pacing") { $0.name == seed.ours.name ? "ours" : "replaced" }
            if let ratio = seedRatio { out.append("  ours / replaced: \(Self.f(ratio, 1))x") }
        }
        if !peer.isEmpty {
            out.append("")
            out.append("THE PEER: x402 PYTHON SDK's OWN FACILITATOR (x402FacilitatorSync + FacilitatorWeb3Signer, one key, same devchain pace)")
            var rows = [["threads", "payments", "settled/min", "settled", "settle p50 ms", "settle p99 ms", "failures"]]
            for run in peer {
                rows.append([String(run.threads), String(run.total), Self.f(run.perMinute, 0), "\(run.settled)/\(run.total)",
                             Self.f(run.settleP50Milliseconds, 0), Self.f(run.settleP99Milliseconds, 0),
                             run.failures.isEmpty ? "none" : run.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")])
            }
            out += Self.grid(rows)
            if let multiple = peerMultiple { out.append("  ours (best throughput run) / the peer's best: \(Self.f(multiple, 1))x") }
        }
        if !enqueue.isEmpty {
            out.append("")
            out.append("ENQUEUE ROUND TRIP (socket -> checks -> authorizationState on chain -> insert -> answer)")
            var rows = [["clients", "requests", "enqueues/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "refused"]]
            for run in enqueue {
                let l = run.enqueueLatency
                rows.append([String(runClients(run)), String(run.payments), Self.f(run.enqueuesPerSecond, 0),
                             Self.f(l?.p50, 2), Self.f(l?.p99, 2), Self.f(l?.p999, 2), Self.f(l?.max, 1), String(run.enqueueFailures)])
            }
            out += Self.grid(rows)
        }
        if let latency {
            out.append("")
            out.append("LATENCY (\(options.bursts) bursts of \(options.burstSize), each waited out)")
            out.append("  all of a burst sent after its last enqueue: "
                       + latency.allSentAfterLastEnqueue.map { Self.f($0 * 1000, 0) + " ms" }.joined(separator: ", "))
            for (name, summary) in [("enqueue -> sent", latency.enqueueToSent), ("enqueue -> completed", latency.enqueueToCompleted),
                                    ("enqueue -> minted", latency.enqueueToMinted)] {
                out.append("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) p50 \(Self.f(summary?.p50, 0)) ms, "
                           + "p99 \(Self.f(summary?.p99, 0)) ms, max \(Self.f(summary?.max, 0)) ms")
            }
        }
        if !stats.isEmpty {
            out.append("")
            out.append("STATS COMMAND vs HISTORY (completed rows in payment_queue; \(options.statsCalls) calls each)")
            var rows = [["rows", "p50 ms", "p99 ms", "max ms", "insert s"]]
            for result in stats {
                rows.append([String(result.rows), Self.f(result.latency?.p50, 2), Self.f(result.latency?.p99, 2),
                             Self.f(result.latency?.max, 1), Self.f(result.insertSeconds, 1)])
            }
            out += Self.grid(rows)
        }
        if !lanes.isEmpty {
            out.append("")
            out.append("SIGNER LANES (one instance)")
            out += runTable(lanes, label: "lanes") { String($0.signers) }
        }
        if !instances.isEmpty {
            out.append("")
            out.append("INSTANCES ON ONE DATABASE (\(options.signers) signer lanes leased among them)")
            out += runTable(instances, label: "instances") { String($0.instances) }
        }
        if !inFlight.isEmpty {
            out.append("")
            out.append("MAX_IN_FLIGHT_PER_SIGNER (\(options.signers) signer lanes)")
            out += runTable(inFlight, label: "in flight") { $0.settings["max_in_flight_per_signer"] ?? "?" }
        }
        if let run = costRun {
            let c = run.cost
            out.append("")
            out.append("WHERE THE CPU WENT (throughput run of \(run.payments), \(Self.f(run.seconds, 1)) s wall on \(machine.cores) cores)")
            out.append("  paymentd \(Self.f(c.daemonCPUSeconds, 1)) s (\(Self.f(c.daemonCPUSeconds * 1e6 / Double(max(1, run.payments)), 0)) us/payment), "
                       + "devchain \(Self.f(c.devchainCPUSeconds, 1)) s, PostgreSQL \(Self.f(c.postgresCPUSeconds, 1)) s, "
                       + "benchmark clients \(Self.f(c.benchCPUSeconds, 1)) s")
            out.append("  RPC calls by method: " + c.rpcMethods.prefix(8).map { "\($0.name) \($0.calls)" }.joined(separator: ", "))
        }
        if !errors.isEmpty {
            out.append("")
            out.append("ERRORS")
            out += errors.map { "  " + $0 }
        }
        return out.joined(separator: "\n")
    }

    private func runClients(_ run: RunResult) -> Int {
        Int(run.name.split(separator: "-").last ?? "") ?? 0
    }

    /// One row per run: rate, its share of the ceiling, latencies and cost.
    private func runTable(_ runs: [RunResult], label: String, _ key: (RunResult) -> String) -> [String] {
        var lines = [[label, "completed/min", "of ceiling", "enq/s", "sent p50/p99 ms", "done p50/p99 ms", "total s",
                      "CPU ms/pay", "RSS MiB", "stmts/pay", "RPC req/pay", "ok"]]
        for run in runs {
            let sent = run.enqueueToSent.map { "\(Self.f($0.p50, 0))/\(Self.f($0.p99, 0))" } ?? "-"
            let done = run.enqueueToCompleted.map { "\(Self.f($0.p50, 0))/\(Self.f($0.p99, 0))" } ?? "-"
            let fraction = ceilingFraction(run).map { Self.f($0 * 100, 0) + " %" } ?? "-"
            lines.append([
                key(run), Self.f(run.paymentsPerMinute, 0), fraction, Self.f(run.enqueuesPerSecond, 0), sent, done, Self.f(run.seconds, 1),
                Self.f(run.cost.daemonCPUSeconds * 1000 / Double(max(1, run.payments)), 2),
                Self.f(Double(run.cost.peakResidentBytes) / 1_048_576, 0),
                Self.f(run.cost.statements.map { run.perPayment(Double($0)) }, 1), Self.f(run.perPayment(Double(run.cost.rpcRequests)), 2),
                run.allCompleted ? "yes" : "\(run.completed)/\(run.payments)",
            ])
        }
        return Self.grid(lines)
    }

    /// Rows as aligned columns: the first left-aligned, the rest right-aligned.
    static func grid(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { cells in
            "  " + cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
    }

    static func f(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.\(digits)f", value)
    }
}
