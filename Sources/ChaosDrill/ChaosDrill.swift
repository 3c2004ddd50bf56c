import Ethereum
import Foundation
import JSON
import LineProtocolClient
import PaymentModel
import Postgres
import TestHarness
import X402Buyer
#if canImport(Glibc)
import Glibc
#endif

/// Runs thousands of payments through a real `paymentd` (throwaway PostgreSQL, the devchain)
/// while it kills the daemon with SIGKILL at random moments, fails RPC requests and reorgs the
/// chain with and without reinjection, then waits until everything is settled and final and
/// audits the ledger and the chain against the requests it made (`LedgerAudit`).
///
/// Enqueues carry idempotency keys, so whatever a kill or a fault interrupts is simply sent
/// again: the drill's claim is that every payment ends settled and minted exactly once anyway.
public final class ChaosDrill: Sendable {
    public let options: ChaosOptions
    let log: @Sendable (String) -> Void

    public init(options: ChaosOptions, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.log = log
    }

    /// Runs the drill; the report says what happened and what the audit found.
    public func run() async throws -> ChaosReport {
        let started = Date()
        log("starting PostgreSQL and the devchain (\(options.signers) signers, \(options.buyers) buyers, \(options.blockMilliseconds) ms blocks)")
        let chain = try Devchain.start(blockMilliseconds: options.blockMilliseconds, signers: options.signers, buyers: options.buyers)
        defer { chain.stop() }
        let databaseURL = try ThrowawayPostgres.shared().makeDatabase(prefix: "chaos")
        let workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: databaseURL)
        let audit = LedgerAudit(chain: chain, databaseURL: databaseURL)
        let baseline = try audit.baseline()
        let daemon = DaemonSlot(workspace: workspace)
        try await daemon.start()
        let client = PaymentdClient(socketPath: workspace.socketPath, requestTimeout: .seconds(30))
        for (key, value) in [("max_pending_per_payer", "1000000"), ("finality_depth", String(options.maxReorgDepth + 24)),
                             ("rebroadcast_after_seconds", "3"), ("payment_batch_size", "200")] {
            _ = try await client.updateSetting(key: key, value: value)
        }
        await client.close()

        let requests = try ChaosRequests.make(chain, count: options.payments, seed: options.seed)
        // Half the drill's time for every request to be answered; what is left then is reported.
        let enqueuer = Enqueuer(socketPath: workspace.socketPath, requests: requests,
                                deadline: started.addingTimeInterval(options.timeoutSeconds / 2))
        let plan = ChaosPlan(seed: options.seed, kills: options.kills, reorgs: options.reorgs, rpcFaults: options.rpcFaults,
                             maxReorgDepth: options.maxReorgDepth)
        log("enqueueing \(requests.count) payments; \(plan.actions.count) faults to inflict (seed \(options.seed))")
        let enqueueing = Task { await enqueuer.run() }
        var inflicted: [String] = []
        for (action, pause) in zip(plan.actions, plan.pauses) {
            try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            let detail = try await inflict(action, chain: chain, daemon: daemon, databaseURL: databaseURL)
            inflicted.append(action.description + detail)
            log("  [\(Self.elapsed(started))] \(action)\(detail)  — \(try progress(databaseURL, total: requests.count))")
        }
        let outcomes = await enqueueing.value
        let acknowledged = outcomes.filter { if case .acknowledged = $0 { true } else { false } }.count
        log("\(acknowledged) of \(requests.count) payments acknowledged; waiting until everything is settled, minted and final")
        try await waitForQuiescence(databaseURL, total: requests.count, started: started)
        await daemon.stop()

        try chain.resetFaults()
        log("auditing the ledger against the chain")
        let expectations = zip(requests, outcomes).map { AuditExpectation($0, enqueue: $1) }
        let result = try audit.run(expectations: expectations, against: baseline)
        if let directory = options.keepLogsDirectory { try keep(daemon.logPaths + [chain.logPath], in: directory) }
        return ChaosReport(options: options, seconds: Date().timeIntervalSince(started), inflicted: inflicted, audit: result,
                           daemonLogs: daemon.logPaths)
    }

    // MARK: Steps

    /// Inflicts `action`; returns a few words on what it hit.
    private func inflict(_ action: ChaosAction, chain: Devchain, daemon: DaemonSlot, databaseURL: String) async throws -> String {
        switch action {
        case .kill:
            try await daemon.killAndRestart()
            return ""
        case .rpcFault(let count, let mode):
            try chain.control("devchain_failNextRequests", [.int(Int64(count)), .string(mode)])
            return ""
        case .reorg(let depth, let reinject):
            // Deep enough to take the newest recorded settlement with it when the plan allows,
            // never as deep as the deployment (block 1). The head comes from a control method,
            // which injected faults never touch.
            let head = Int64(try chain.control("devchain_status")["head"]?.stringValue.flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0)
            let conn = try PostgresConnection(conninfo: databaseURL)
            let newest = try conn.query("SELECT max(confirmed_block) AS b FROM payment_queue").first?.optionalInt64("b")
            conn.close()
            var chosen = Int64(depth)
            if let newest, head - newest + 1 <= Int64(options.maxReorgDepth) { chosen = max(chosen, head - newest + 1) }
            chosen = min(chosen, max(1, head - 2))
            let answer = try chain.control("devchain_reorg", [.int(chosen), ["reinject": .bool(reinject)]])
            let orphaned = answer["orphanedTransactions"]?.intValue ?? answer["orphanedTransactions"]?.arrayValue.map { Int64($0.count) } ?? 0
            return " (\(chosen) deep, \(orphaned) transactions orphaned)"
        }
    }

    /// Waits until no payment is unsettled or being restored, no mint job or batch is open,
    /// and every settlement and batch is final.
    private func waitForQuiescence(_ databaseURL: String, total: Int, started: Date) async throws {
        let deadline = started.addingTimeInterval(options.timeoutSeconds)
        var last = ""
        while Date() < deadline {
            let conn = try PostgresConnection(conninfo: databaseURL)
            let open = try conn.query("""
                SELECT (SELECT count(*) FROM payment_queue WHERE status IN ('pending', 'processing', 'sent')
                          OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL)) AS payments,
                       (SELECT count(*) FROM mint_queue WHERE status IN ('pending', 'processing')) AS jobs,
                       (SELECT count(*) FROM mint_batches WHERE status IN ('processing', 'sent')) AS batches,
                       (SELECT count(*) FROM payment_queue WHERE NOT finalized AND confirmed_block IS NOT NULL) +
                       (SELECT count(*) FROM mint_batches WHERE NOT finalized AND confirmed_block IS NOT NULL) AS unfinal
                """).first!
            conn.close()
            let counts = try ["payments", "jobs", "batches", "unfinal"].map { try open.int64($0) }
            if counts.allSatisfy({ $0 == 0 }) { return }
            let line = "open: \(counts[0]) payments, \(counts[1]) mint jobs, \(counts[2]) batches, \(counts[3]) not final"
            if line != last {
                log("  [\(Self.elapsed(started))] \(line)  — \(try progress(databaseURL, total: total))")
                last = line
            }
            try await Task.sleep(for: .seconds(1))
        }
        throw HarnessError("the drill did not settle within \(Int(options.timeoutSeconds)) s: \(last)")
    }

    private func progress(_ databaseURL: String, total: Int) throws -> String {
        let conn = try PostgresConnection(conninfo: databaseURL)
        defer { conn.close() }
        let rows = try conn.query("SELECT status, count(*) AS n FROM payment_queue GROUP BY status ORDER BY status").rows
        let counts = try rows.map { "\(try $0.string("status")) \(try $0.int64("n"))" }
        return counts.isEmpty ? "0/\(total) enqueued" : counts.joined(separator: ", ")
    }

    /// Copies the daemons' and the devchain's logs out of the workspace (removed at exit).
    private func keep(_ paths: [String], in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let target = directory + "/" + URL(fileURLWithPath: path).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
        log("logs kept in \(directory)")
    }

    static func elapsed(_ since: Date) -> String {
        String(format: "%5.1fs", Date().timeIntervalSince(since))
    }
}
