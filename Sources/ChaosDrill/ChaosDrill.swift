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
/// while it kills the daemon with SIGKILL at random moments, fails RPC requests, reorgs the
/// chain with and without reinjection (some forks holding a payer's re-spend of an orphaned
/// payment's nonce), has a third party relay buyers' authorizations (before they reach us,
/// while ours are pending, after ours reverted) and an operator cancel payments in flight, then
/// waits until everything is settled and final and audits the ledger and the chain against
/// the requests it made (`LedgerAudit`).
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
        let thirdParty = ThirdParty(chain: chain)
        let context = Context(requests: requests, thirdParty: thirdParty, socketPath: workspace.socketPath, databaseURL: databaseURL)
        if options.frontRuns > 0 {
            // Front-runs: payloads a third party relays to our receiver before they reach us.
            let chosen = Self.spread(options.frontRuns, over: requests.count)
            try await thirdParty.waitMined(try await thirdParty.relay(chosen.map { requests[$0] }))
            log("a third party relayed \(chosen.count) payments' authorizations before they were enqueued: \(chosen.map { requests[$0].idempotencyKey ?? "" })")
        }
        let plan = ChaosPlan(seed: options.seed, kills: options.kills, reorgs: options.reorgs, rpcFaults: options.rpcFaults,
                             maxReorgDepth: options.maxReorgDepth, respends: options.respends, relays: options.relays, cancels: options.cancels,
                             revertWindows: options.revertWindows)
        // Half the drill's time for every request to be answered; what is left then is reported.
        // Enqueued over the faults' span, so every fault meets payments in flight.
        let enqueuer = Enqueuer(socketPath: workspace.socketPath, requests: requests,
                                deadline: started.addingTimeInterval(options.timeoutSeconds / 2), spreadSeconds: plan.pauses.reduce(0, +))
        log("enqueueing \(requests.count) payments; \(plan.actions.count) faults to inflict (seed \(options.seed))")
        let enqueueing = Task { await enqueuer.run() }
        var inflicted: [String] = []
        var respent: Set<String> = []
        for (action, pause) in zip(plan.actions, plan.pauses) {
            try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            let (detail, keys) = try await inflict(action, chain: chain, daemon: daemon, context: context)
            respent.formUnion(keys)
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
        let expectations = zip(requests, outcomes).map { request, outcome in
            var expectation = AuditExpectation(request, enqueue: outcome)
            expectation.respent = respent.contains(expectation.idempotencyKey)
            return expectation
        }
        let result = try audit.run(expectations: expectations, against: baseline)
        var keptLogs: [String] = []
        if let directory = options.keepLogsDirectory { keptLogs = try keep(daemon.logPaths + [chain.logPath], in: directory) }
        return ChaosReport(options: options, seconds: Date().timeIntervalSince(started), inflicted: inflicted, audit: result,
                           daemonLogs: keptLogs)
    }

    // MARK: Steps

    /// What the faults act on.
    struct Context: Sendable {
        let requests: [PaymentRequest]
        let thirdParty: ThirdParty
        let socketPath: String
        let databaseURL: String

        func request(key: String) -> PaymentRequest? { requests.first { $0.idempotencyKey == key } }

        /// Idempotency keys of up to `limit` rows chosen at random among those `whereSQL` selects.
        func keys(where whereSQL: String, limit: Int, pendingFirst: Bool = false) throws -> [String] {
            let conn = try PostgresConnection(conninfo: databaseURL)
            defer { conn.close() }
            let order = pendingFirst ? "status = 'pending' DESC, random()" : "random()"
            return try conn.query("SELECT idempotency_key FROM payment_queue WHERE \(whereSQL) AND idempotency_key IS NOT NULL ORDER BY \(order) LIMIT $1",
                                  [String(limit)]).rows.map { try $0.string("idempotency_key") }
        }
    }

    /// `count` indexes spread evenly over `0..<total`.
    static func spread(_ count: Int, over total: Int) -> [Int] {
        let count = min(count, total)
        return (0..<count).map { $0 * total / count }
    }

    /// Inflicts `action`; returns a few words on what it hit, and the keys of payments whose
    /// payer re-spent the nonce (the audit lets those end unpaid and unminted).
    private func inflict(_ action: ChaosAction, chain: Devchain, daemon: DaemonSlot, context: Context) async throws -> (String, [String]) {
        let databaseURL = context.databaseURL
        switch action {
        case .kill:
            try await daemon.killAndRestart()
            return ("", [])
        case .rpcFault(let count, let mode):
            try chain.control("devchain_failNextRequests", [.int(Int64(count)), .string(mode)])
            return ("", [])
        case .relayPending(let count):
            let keys = try context.keys(where: "status IN ('pending', 'processing', 'sent')", limit: count)
            let hashes = try await context.thirdParty.relay(keys.compactMap(context.request(key:)))
            return (" (\(hashes.count) relayed: \(keys.joined(separator: ", ")))", [])
        case .cancel(let count):
            // Pending ones first: those are the ones a cancel could wrongly fail.
            let keys = try context.keys(where: "status IN ('pending', 'processing', 'sent')", limit: count, pendingFirst: true)
            return (" (\(try await cancel(keys, context: context)))", [])
        case .revertWindow(let seconds):
            return (try await revertWindow(seconds: seconds, context: context), [])
        case .reorg(let depth, let reinject, let respend):
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
            var options: [String: JSONValue] = ["reinject": .bool(reinject)]
            var respent: [String] = []
            if respend, let (key, raw) = try await respendInFork(parent: head - chosen, context: context, chain: chain) {
                options["transactions"] = [[.string(Hex.encode(raw)), 0]]
                respent = [key]
            }
            let answer = try chain.control("devchain_reorg", [.int(chosen), .object(options)])
            let orphaned = answer["orphanedTransactions"]?.intValue ?? answer["orphanedTransactions"]?.arrayValue.map { Int64($0.count) } ?? 0
            let what = respend ? (respent.isEmpty ? "; no completed payment in reach to re-spend" : "; \(respent[0])'s payer re-spent its nonce") : ""
            return (" (\(chosen) deep, \(orphaned) transactions orphaned\(what))", respent)
        }
    }

    /// A completed payment settled above `parent` (two blocks of margin: the head may move
    /// before the reorg) and its payer's re-spend of the nonce, valid as the fork's first
    /// transaction; nil when no such payment exists.
    private func respendInFork(parent: Int64, context: Context, chain: Devchain) async throws -> (String, [UInt8])? {
        let conn = try PostgresConnection(conninfo: context.databaseURL)
        defer { conn.close() }
        guard let row = try conn.query("""
            SELECT idempotency_key FROM payment_queue
            WHERE status = 'completed' AND settlement_lost IS NULL AND confirmed_block > $1 AND idempotency_key IS NOT NULL
            ORDER BY random() LIMIT 1
            """, [String(parent + 2)]).first, let key = try row.text("idempotency_key"), let request = context.request(key: key),
              let account = chain.buyers.first(where: { $0.address.lowercased() == request.authorization.from.lowercased() }) else { return nil }
        return (key, try await context.thirdParty.respend(request, buyer: try PrivateKey(hex: account.privateKey), parent: parent))
    }

    /// Cancels the payments of `keys` as an operator would; returns what the daemon answered.
    /// Every answer but a refusal leaves a failed row the audit names.
    private func cancel(_ keys: [String], context: Context) async throws -> String {
        let conn = try PostgresConnection(conninfo: context.databaseURL)
        let ids = try keys.compactMap { key in
            try conn.query("SELECT id::text AS id FROM payment_queue WHERE idempotency_key = $1", [key]).first?.text("id")
        }
        conn.close()
        let client = PaymentdClient(socketPath: context.socketPath, requestTimeout: .seconds(30))
        var answers: [String: Int] = [:]
        for id in ids {
            do throws(PaymentdClientError) {
                let snapshot = try await client.cancel(paymentID: id)
                answers["cancelled (\(snapshot.status.rawValue))", default: 0] += 1
            } catch {
                answers[error.code, default: 0] += 1
            }
        }
        await client.close()
        return answers.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// Starves transfers of gas for `seconds` (simulation off, so they are sent and revert),
    /// restores the settings, then has a third party relay some of the payments that reverted.
    private func revertWindow(seconds: Int, context: Context) async throws -> String {
        let client = PaymentdClient(socketPath: context.socketPath, requestTimeout: .seconds(30))
        let before = Dictionary(try await client.settings().map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        // Seeded by the migrations; put back exactly what was there, never a guessed default.
        guard let gasLimit = before["transfer_gas_limit"], let simulate = before["simulate_before_send"] else {
            throw HarnessError("settings get shows no transfer_gas_limit or simulate_before_send to restore after the revert window")
        }
        _ = try await client.updateSetting(key: "simulate_before_send", value: "false")
        _ = try await client.updateSetting(key: "transfer_gas_limit", value: "55000")
        try await Task.sleep(for: .seconds(seconds))
        _ = try await client.updateSetting(key: "transfer_gas_limit", value: gasLimit)
        _ = try await client.updateSetting(key: "simulate_before_send", value: simulate)
        await client.close()
        let keys = try context.keys(where: "revert_retries > 0 AND status <> 'completed'", limit: 4)
        let hashes = try await context.thirdParty.relay(keys.compactMap(context.request(key:)))
        return " (\(hashes.count) reverted payments relayed: \(keys.joined(separator: ", ")))"
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
    private func keep(_ paths: [String], in directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var kept: [String] = []
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let target = directory + "/" + URL(fileURLWithPath: path).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: path, toPath: target)
            kept.append(target)
        }
        log("logs kept in \(directory)")
        return kept
    }

    static func elapsed(_ since: Date) -> String {
        String(format: "%5.1fs", Date().timeIntervalSince(since))
    }
}
