import Foundation
import JSON
import TestHarness
#if canImport(Glibc)
import Glibc
#endif

/// One run through the whole system: a fresh devchain and database, the daemons, payments
/// enqueued over the socket (in one burst or several, each waited out), then the timings and
/// costs read back. Every scenario but the ceiling and stats is made of these.
struct PaymentRun: Sendable {
    var name: String
    var payments: Int
    var signers: Int
    var instances = 1
    /// Settings applied through the socket before any payment (besides `max_pending_per_payer`).
    var settings: [(key: String, value: String)] = []
    var connections: Int
    /// The payments go in this many equal bursts; each burst is settled before the next.
    var bursts = 1
    /// false: the run ends when every payment is enqueued (the enqueue scenario).
    var waitForSettlement = true

    /// Everything runs share: the PostgreSQL cluster, the options and the progress log.
    struct Context: Sendable {
        let database: BenchDatabase
        let options: BenchOptions
        let log: @Sendable (String) -> Void
    }

    func run(_ context: Context) async throws -> RunResult {
        let options = context.options
        context.log("\(name): starting the devchain, a database and \(instances) paymentd (\(signers) signer lanes)")
        let chain = try Devchain.start(blockMilliseconds: options.blockMilliseconds, signers: max(8, signers), buyers: options.buyers,
                                       extraArguments: ["--log-level", "WARNING"])
        defer { chain.stop() }
        let conninfo = try context.database.makeDatabase()
        defer { context.database.dropDatabase(conninfo) }
        let workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: conninfo, signerCount: signers, logLevel: "warning")
        let fleet = try await DaemonFleet.start(workspace, instances: instances, signers: signers,
                                                settings: [("max_pending_per_payer", "1000000")] + settings)
        do {
            let result = try await measure(context, chain: chain, conninfo: conninfo, fleet: fleet)
            return result
        } catch {
            let tails = fleet.logTails()
            await fleet.stop(graceSeconds: 5)
            throw HarnessError("\(name) failed: \(error)\n\(tails)")
        }
    }

    private func measure(_ context: Context, chain: Devchain, conninfo: String, fleet: DaemonFleet) async throws -> RunResult {
        let perBurst = max(1, payments / max(1, bursts))
        let workloads = try (0..<max(1, bursts)).map { burst in
            try PaymentWorkload(chain: chain, count: burst == bursts - 1 ? payments - perBurst * (bursts - 1) : perBurst,
                                tag: "\(name)-b\(burst)")
        }
        let watch = try SettlementWatch(conninfo: conninfo)
        if context.database.countsStatements { _ = try watch.query("SELECT pg_stat_statements_reset()") }
        let transactionsBefore = try Self.transactions(watch)
        let queriesBefore = watch.queries
        let headBefore = try Self.head(chain)
        _ = try chain.control("devchain_requestCounts", [.bool(true)])
        let postgres = context.database.serverProcessID
        let cpuBefore = (fleet.cpuSeconds, ProcessCPU.seconds(chain.processID) ?? 0, postgres.map(ProcessCPU.treeSeconds) ?? 0,
                         ProcessCPU.seconds(getpid()) ?? 0)

        let clock = ContinuousClock()
        let start = clock.now
        let driver = EnqueueDriver(sockets: fleet.sockets, connections: connections)
        var latencies: [Double] = []
        var failures = 0
        var firstFailure: String?
        var enqueueSeconds = 0.0
        var settled: Double?
        var minted: Double?
        var allSent: [Double] = []
        var progress = try watch.progress()
        var enqueued = 0
        for (burst, workload) in workloads.enumerated() {
            let burstStart = clock.now
            let outcome = await driver.run(workload.requests)
            latencies += outcome.latencies
            failures += outcome.failures
            firstFailure = firstFailure ?? outcome.firstFailure
            enqueued += outcome.latencies.count
            enqueueSeconds += EnqueueDriver.seconds(clock.now - burstStart)
            context.log("\(name): enqueued \(enqueued)/\(payments) in \(String(format: "%.1f", enqueueSeconds)) s"
                        + (failures > 0 ? " (\(failures) refused: \(firstFailure ?? ""))" : ""))
            guard waitForSettlement else { continue }
            let done = try await watch.waitUntilSettled(expected: enqueued, since: start, timeoutSeconds: context.options.runTimeoutSeconds) { state in
                context.log("\(name): [\(String(format: "%6.1f", EnqueueDriver.seconds(clock.now - start))) s] \(state.line)")
            }
            (settled, minted, progress) = (done.settled, done.minted, done.progress)
            if let seconds = try watch.allSentAfterLastEnqueue(keyPrefix: "bench-\(name)-b\(burst)-") { allSent.append(seconds) }
        }
        if !waitForSettlement { progress = try watch.progress() }

        let cpuAfter = (fleet.cpuSeconds, ProcessCPU.seconds(chain.processID) ?? 0, postgres.map(ProcessCPU.treeSeconds) ?? 0,
                        ProcessCPU.seconds(getpid()) ?? 0)
        let peak = fleet.peakResidentBytes
        await fleet.stop()
        let rpc = try chain.control("devchain_requestCounts")
        let headAfter = try Self.head(chain)
        let statements = context.database.countsStatements ? try Self.statements(watch) : nil
        let transactions = try Self.transactions(watch) - transactionsBefore - (watch.queries - queriesBefore)
        let times = try watch.latencies()
        if let seconds = minted {
            context.log("\(name): \(progress.completed) completed and \(progress.minted) minted in \(String(format: "%.1f", seconds)) s"
                        + " (\(Int(Double(progress.completed) / seconds * 60)) payments/min)")
        }
        let methods = (rpc["methods"]?.objectValue ?? [:]).compactMap { name, count in count.intValue.map { (name: name, calls: Int($0)) } }
        let cost = RunCost(daemonCPUSeconds: cpuAfter.0 - cpuBefore.0, devchainCPUSeconds: cpuAfter.1 - cpuBefore.1,
                           postgresCPUSeconds: cpuAfter.2 - cpuBefore.2, benchCPUSeconds: cpuAfter.3 - cpuBefore.3,
                           peakResidentBytes: peak, statements: statements, transactions: max(0, transactions),
                           rpcRequests: Int(rpc["httpRequests"]?.intValue ?? 0), rpcCalls: Int(rpc["calls"]?.intValue ?? 0),
                           rpcMethods: methods.sorted { $0.calls > $1.calls || ($0.calls == $1.calls && $0.name < $1.name) })
        return RunResult(
            name: name, payments: payments, signers: signers, instances: instances,
            settings: Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
            enqueued: enqueued, enqueueFailures: failures, completed: progress.completed, failed: progress.failed, minted: progress.minted,
            enqueueSeconds: enqueueSeconds, settledSeconds: settled, seconds: minted,
            enqueueLatency: LatencySummary(milliseconds: latencies), enqueueToSent: LatencySummary(milliseconds: times.sent),
            enqueueToCompleted: LatencySummary(milliseconds: times.completed), enqueueToMinted: LatencySummary(milliseconds: times.minted),
            allSentAfterLastEnqueue: allSent, blocks: Int(headAfter) - Int(headBefore), cost: cost)
    }

    /// The node's head (a control call: `eth_blockNumber` through the harness, counted once).
    static func head(_ chain: Devchain) throws -> Int64 {
        let status = try chain.control("devchain_status")
        return status["head"]?.stringValue.flatMap { Int64($0.dropFirst(2), radix: 16) } ?? 0
    }

    /// Statements the daemons' role ran in this database since the last reset.
    static func statements(_ watch: SettlementWatch) throws -> Int {
        let row = try watch.query("""
            SELECT coalesce(sum(s.calls), 0)::bigint AS n FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            WHERE r.rolname = '\(BenchDatabase.daemonRole)' AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            """).first!
        return Int(try row.int64("n"))
    }

    /// Transactions committed or rolled back in this database so far.
    static func transactions(_ watch: SettlementWatch) throws -> Int {
        let row = try watch.query("""
            SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = current_database()
            """).first!
        return Int(try row.int64("n"))
    }
}
