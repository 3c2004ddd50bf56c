import Foundation
import Synchronization
import TestHarness

/// The benchmark: the whole system (throwaway PostgreSQL, the devchain, the release `paymentd`
/// next to this program, clients over the Unix socket) run through the selected scenarios,
/// one at a time, each on a fresh chain and database; the report carries the machine and the
/// load beside the run.
///
/// A scenario that fails is recorded in the report's errors and the others still run: a
/// benchmark that stops at the first problem measures nothing.
public final class PaymentBench: Sendable {
    public let options: BenchOptions
    public let command: String
    let log: @Sendable (String) -> Void

    public init(options: BenchOptions, command: String, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.command = command
        self.log = log
    }

    public func run() async throws -> BenchReport {
        let started = Date()
        var report = BenchReport(machine: MachineDescription.current(), command: command, options: options, startedAt: started)
        log("machine: \(report.machine.cpuModel), \(report.machine.cores) cores, load \(report.machine.loadAverageAtStart.first ?? 0)")
        let samples = Mutex<[Double]>([])
        let sampler = Task {
            while !Task.isCancelled {
                if let load = MachineDescription.loadAverage().first { samples.withLock { $0.append(load) } }
                try? await Task.sleep(for: .seconds(5))
            }
        }
        defer { sampler.cancel() }
        log("starting a throwaway PostgreSQL cluster with pg_stat_statements")
        let database = try BenchDatabase(log: log)
        defer { database.stop() }
        report.statementsSource = database.countsStatements
            ? "pg_stat_statements (calls by the daemons' role, BEGIN/COMMIT included)"
            : "pg_stat_database transactions (pg_stat_statements unavailable)"
        let context = PaymentRun.Context(database: database, options: options, log: log)

        for scenario in options.scenarios.sorted() {
            log("== \(scenario.rawValue)")
            do {
                try await run(scenario, context: context, into: &report)
            } catch {
                log("\(scenario.rawValue) failed: \(error)")
                report.errors.append("\(scenario.rawValue): \(error)")
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        report.loadAverages = samples.withLock { $0 }
        return report
    }

    private func run(_ scenario: BenchScenario, context: PaymentRun.Context, into report: inout BenchReport) async throws {
        let signers = options.signers
        switch scenario {
        case .ceiling:
            report.ceiling = try await ChainCeiling(transactions: options.ceilingTransactions, signers: max(8, signers)).run(options: options, log: log)
        case .throughput:
            for size in options.throughputSizes {
                report.throughput.append(try await PaymentRun(name: "throughput-\(size)", payments: size, signers: signers,
                                                              connections: options.enqueueConnections).run(context))
            }
        case .seed:
            let replaced = try await PaymentRun(name: "seed-replaced", payments: options.seedPayments, signers: signers,
                                                settings: Self.replacedSystemSettings(batchSize: options.seedBatchSize),
                                                connections: options.enqueueConnections).run(context)
            let ours = try await PaymentRun(name: "seed-ours", payments: options.seedPayments, signers: signers,
                                            connections: options.enqueueConnections).run(context)
            report.seed = (replaced, ours)
        case .peer:
            for (threads, payments) in zip(options.peerThreads, options.peerPayments) {
                report.peer.append(try await PeerFacilitator(threads: threads, payments: payments).run(options: options, log: log))
            }
        case .enqueue:
            for (clients, requests) in [(1, options.enqueueSingle), (options.concurrentClients, options.enqueueConcurrent)] {
                report.enqueue.append(try await PaymentRun(name: "enqueue-\(clients)", payments: requests, signers: signers,
                                                           connections: clients, waitForSettlement: false).run(context))
            }
        case .latency:
            report.latency = try await PaymentRun(name: "latency", payments: options.bursts * options.burstSize, signers: signers,
                                                  connections: options.burstSize, bursts: options.bursts).run(context)
        case .stats:
            report.stats = try await StatsLatency(rowCounts: options.statsRows, calls: options.statsCalls).run(context)
        case .lanes:
            for lanes in options.lanes {
                report.lanes.append(try await PaymentRun(name: "lanes-\(lanes)", payments: options.scalePayments, signers: lanes,
                                                         connections: options.enqueueConnections).run(context))
            }
        case .instances:
            for count in options.instances {
                report.instances.append(try await PaymentRun(name: "instances-\(count)", payments: options.scalePayments, signers: signers,
                                                             instances: count, connections: options.enqueueConnections).run(context))
            }
        case .inflight:
            for cap in options.inFlight {
                report.inFlight.append(try await PaymentRun(name: "inflight-\(cap)", payments: options.scalePayments, signers: signers,
                                                            settings: [("max_in_flight_per_signer", String(cap))],
                                                            connections: options.enqueueConnections).run(context))
            }
        }
    }

    /// The replaced TypeScript processor's pacing (SEED-FACTS.md): `batchSize` payments (its
    /// code's default 10) every 4 s by a timer, nothing woken by an enqueue, 20 sent payments'
    /// receipts checked every 2 s.
    static func replacedSystemSettings(batchSize: Int) -> [(key: String, value: String)] {
        [("payment_batch_size", String(batchSize)), ("payment_batch_interval_ms", "4000"), ("send_pacing", "interval"),
         ("confirm_batch_size", "20"), ("confirm_interval_ms", "2000")]
    }
}
