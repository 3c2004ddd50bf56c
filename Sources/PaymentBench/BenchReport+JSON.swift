import Foundation
import JSON

/// The report as one JSON object (`--json`, and `bench/results-<date>.json`): every figure the
/// table shows and the raw parts behind it, snake_case keys, times in milliseconds or seconds
/// as the key says. `BenchReport.requiredKeys` lists the top-level keys a test pins.
extension BenchReport {
    public static let requiredKeys = [
        "machine", "command", "started_at", "seconds", "load_average", "options", "statements_source", "ceiling", "throughput",
        "seed", "peer", "enqueue", "latency", "stats", "lanes", "instances", "in_flight", "errors",
    ]

    public var json: JSONValue {
        var seedObject: JSONValue = .null
        if let seed {
            seedObject = ["replaced": seed.replaced.json(self), "ours": seed.ours.json(self), "ratio": .number(seedRatio)]
        }
        return .object([
            "machine": machine.json,
            "command": .string(command),
            "started_at": .string(ISO8601DateFormatter().string(from: startedAt)),
            "seconds": .double(seconds),
            "load_average": ["samples": .array(loadAverages.map { .double($0) }), "mean": .number(loadSummary?.mean),
                             "max": .number(loadSummary?.max)],
            "options": options.json,
            "statements_source": .string(statementsSource),
            "ceiling": ceiling?.json ?? .null,
            "throughput": .array(throughput.map { $0.json(self) }),
            "seed": seedObject,
            "peer": ["runs": .array(peer.map(\.json)), "ours_over_best": .number(peerMultiple)],
            "enqueue": .array(enqueue.map { $0.json(self) }),
            "latency": latency?.json(self) ?? .null,
            "stats": .array(stats.map(\.json)),
            "lanes": .array(lanes.map { $0.json(self) }),
            "instances": .array(instances.map { $0.json(self) }),
            "in_flight": .array(inFlight.map { $0.json(self) }),
            "errors": .array(errors.map { .string($0) }),
        ])
    }
}

extension JSONValue {
    /// A double, or null.
    static func number(_ value: Double?) -> JSONValue {
        value.map { .double($0) } ?? .null
    }
}

extension MachineDescription {
    var json: JSONValue {
        ["cpu_model": .string(cpuModel), "cores": .int(Int64(cores)), "memory_bytes": .int(Int64(memoryBytes)),
         "os": .string(operatingSystem), "kernel": .string(kernel), "swift_version": .string(swiftVersion),
         "git_commit": .string(gitCommit), "git_dirty": .bool(gitDirty),
         "load_average_at_start": .array(loadAverageAtStart.map { .double($0) })]
    }
}

extension BenchOptions {
    var json: JSONValue {
        ["scenarios": .array(scenarios.map { .string($0.rawValue) }), "ceiling_transactions": .int(Int64(ceilingTransactions)),
         "throughput_sizes": .array(throughputSizes.map { .int(Int64($0)) }), "seed_payments": .int(Int64(seedPayments)),
         "peer_threads": .array(peerThreads.map { .int(Int64($0)) }), "peer_payments": .array(peerPayments.map { .int(Int64($0)) }),
         "seed_batch_size": .int(Int64(seedBatchSize)), "enqueue_single": .int(Int64(enqueueSingle)),
         "enqueue_concurrent": .int(Int64(enqueueConcurrent)), "concurrent_clients": .int(Int64(concurrentClients)),
         "enqueue_connections": .int(Int64(enqueueConnections)), "bursts": .int(Int64(bursts)), "burst_size": .int(Int64(burstSize)),
         "stats_rows": .array(statsRows.map { .int(Int64($0)) }), "stats_calls": .int(Int64(statsCalls)),
         "lanes": .array(lanes.map { .int(Int64($0)) }), "instances": .array(instances.map { .int(Int64($0)) }),
         "in_flight": .array(inFlight.map { .int(Int64($0)) }), "scale_payments": .int(Int64(scalePayments)),
         "signers": .int(Int64(signers)), "block_ms": .int(Int64(blockMilliseconds)), "buyers": .int(Int64(buyers))]
    }
}

extension LatencySummary {
    var json: JSONValue {
        ["count": .int(Int64(count)), "p50_ms": .double(p50), "p99_ms": .double(p99), "p999_ms": .double(p999),
         "max_ms": .double(max), "mean_ms": .double(mean)]
    }
}

extension CeilingResult {
    var json: JSONValue {
        ["transactions": .int(Int64(transactions)), "refused": .int(Int64(refused)), "first_refusal": firstRefusal.map { .string($0) } ?? .null,
         "reverted": .int(Int64(reverted)), "seconds": .double(seconds), "send_seconds": .double(sendSeconds),
         "blocks": .int(Int64(blocks)), "blocks_with_transactions": .int(Int64(blocksWithTransactions)),
         "mean_per_block": .double(meanPerBlock), "max_per_block": .int(Int64(maxPerBlock)), "blocks_per_minute": .double(blocksPerMinute),
         "gas_per_transaction": .int(Int64(gasPerTransaction)), "per_minute": .double(perMinute), "peak_per_minute": .double(peakPerMinute),
         "devchain_cpu_seconds": .double(devchainCPUSeconds), "block_ms": .int(Int64(blockMilliseconds))]
    }
}

extension StatsLatencyResult {
    var json: JSONValue {
        ["rows": .int(Int64(rows)), "insert_seconds": .double(insertSeconds), "latency": latency?.json ?? .null]
    }
}

extension RunResult {
    func json(_ report: BenchReport) -> JSONValue {
        let perThousand = payments > 0 ? 1000 / Double(payments) : 0
        return [
            "name": .string(name), "payments": .int(Int64(payments)), "signers": .int(Int64(signers)), "instances": .int(Int64(instances)),
            "settings": .object(settings.mapValues { .string($0) }),
            "enqueued": .int(Int64(enqueued)), "enqueue_failures": .int(Int64(enqueueFailures)),
            "completed": .int(Int64(completed)), "failed": .int(Int64(failed)), "minted": .int(Int64(minted)),
            "all_completed": .bool(allCompleted),
            "enqueue_seconds": .double(enqueueSeconds), "enqueues_per_second": .double(enqueuesPerSecond),
            "settled_seconds": .number(settledSeconds), "seconds": .number(seconds),
            "payments_per_minute": .number(paymentsPerMinute), "ceiling_fraction": .number(report.ceilingFraction(self)),
            "enqueue_latency": enqueueLatency?.json ?? .null, "enqueue_to_sent": enqueueToSent?.json ?? .null,
            "enqueue_to_completed": enqueueToCompleted?.json ?? .null, "enqueue_to_minted": enqueueToMinted?.json ?? .null,
            "all_sent_after_last_enqueue_seconds": .array(allSentAfterLastEnqueue.map { .double($0) }),
            "blocks": .int(Int64(blocks)),
            "cost": [
                "daemon_cpu_seconds": .double(cost.daemonCPUSeconds),
                "daemon_cpu_seconds_per_1000_payments": .double(cost.daemonCPUSeconds * perThousand),
                "devchain_cpu_seconds": .double(cost.devchainCPUSeconds), "postgres_cpu_seconds": .double(cost.postgresCPUSeconds),
                "bench_cpu_seconds": .double(cost.benchCPUSeconds), "peak_rss_bytes": .int(Int64(cost.peakResidentBytes)),
                "statements": cost.statements.map { .int(Int64($0)) } ?? .null,
                "statements_per_payment": .number(cost.statements.map { perPayment(Double($0)) }),
                "transactions": .int(Int64(cost.transactions)), "transactions_per_payment": .double(perPayment(Double(cost.transactions))),
                "rpc_requests": .int(Int64(cost.rpcRequests)), "rpc_requests_per_payment": .double(perPayment(Double(cost.rpcRequests))),
                "rpc_calls": .int(Int64(cost.rpcCalls)), "rpc_calls_per_payment": .double(perPayment(Double(cost.rpcCalls))),
                "rpc_methods": .object(Dictionary(uniqueKeysWithValues: cost.rpcMethods.map { ($0.name, JSONValue.int(Int64($0.calls))) })),
            ],
        ]
    }
}

extension PeerResult {
    var json: JSONValue {
        ["threads": .int(Int64(threads)), "total": .int(Int64(total)), "settled": .int(Int64(settled)), "failed": .int(Int64(failed)),
         "seconds": .double(seconds), "per_minute": .double(perMinute),
         "failures": .object(failures.mapValues { .int(Int64($0)) }),
         "settle_p50_ms": .number(settleP50Milliseconds), "settle_p99_ms": .number(settleP99Milliseconds),
         "devchain_cpu_seconds": .double(devchainCPUSeconds)]
    }
}
