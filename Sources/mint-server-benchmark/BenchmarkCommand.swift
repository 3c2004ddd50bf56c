import ArgumentParser
import Ethereum
import Foundation
import LineProtocolClient
import PaymentModel
import TestHarness
import X402
import X402Buyer

/// `mint-server-benchmark`: a measurement, not a test. On a throwaway devchain and database it
/// starts paymentd and mint-server and reports, in one run: unpaid 402 challenges per second
/// with p50/p99 (wrk), and paid requests per second through mint-server (wrk sending
/// pre-signed payments) as a ratio of paymentd's direct socket enqueue rate (the same client
/// mint-server uses, same concurrency), measured before and after the HTTP phase.
@main
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint-server-benchmark",
        abstract: "402 challenges/s and paid requests/s through mint-server vs paymentd's direct enqueue rate.")

    @Option(help: "Paid requests per phase, at most 1000 (each a new authorization).")
    var payments = 500

    @Option(help: "Connections (HTTP) and requests in flight (socket).")
    var connections = 32

    @Option(help: "Seconds of the unpaid 402 phase.")
    var seconds = 10

    func run() async throws {
        print("starting devchain, PostgreSQL, paymentd and mint-server ...")
        let chain = try Devchain.start(blockMilliseconds: 1000, signers: 4, buyers: 8)
        defer { chain.stop() }
        let workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: try ThrowawayPostgres.shared().makeDatabase(prefix: "bench"),
                                              logLevel: "warning")
        let daemon = try PaymentdProcess.start(workspace)
        try await daemon.waitUntilReady()
        let client = PaymentdClient(socketPath: workspace.socketPath, requestTimeout: .seconds(120))
        _ = try await client.updateSetting(key: "max_pending_per_payer", value: "1000000")
        let server = try await MintServerProcess.start(directory: workspace.directory, settings: [
            "socket_path": workspace.socketPath, "chain_id": String(chain.chainID), "network": "devchain", "pay_to": chain.receiver,
            "eip712_name": chain.usdcName, "eip712_version": chain.usdcVersion, "log_level": "notice",
            // The paid path's own cost, not the chain's: answered at once, as before v2 settled by default.
            "answer_mode": "async"])
        let url = server.baseURL + "/api/mint/\(chain.mintToken)"

        print("\n== unpaid: 402 challenges (wrk, \(connections) connections, \(seconds) s)")
        let challengeScript = workspace.directory + "/challenge.lua"
        try WrkRun.challengeScript.write(toFile: challengeScript, atomically: true, encoding: .utf8)
        let challenges = try await BlockingWork.run { [connections, seconds] in
            try WrkRun.run(url: url, script: challengeScript, threads: 2, connections: connections, seconds: seconds)
        }
        print("  \(Int(challenges.requestsPerSecond)) challenges/s, latency p50 \(challenges.p50), p99 \(challenges.p99)"
              + (challenges.non2xx == challenges.totalRequests ? " (every answer a 402)" : ""))

        let offers = try await offersOf(url)
        let buyers = try chain.buyers.map { try PrivateKey(hex: $0.privateKey) }
        let builder = PaymentHeaderBuilder(chainID: chain.chainID)
        func sign() throws -> [PaymentPayload] {
            try (0..<payments).map { index in try builder.pay(version: 2, accepts: offers, buyer: buyers[index % buyers.count]).payload }
        }
        // Each phase starts with an idle daemon (its queue settled), so the chain work of one
        // phase does not slow the next; each rate is paymentd's own: payments created per second.
        print("\n== paid: \(payments) payments per phase, \(connections) in flight")
        try await settle(client)
        let direct1 = try await enqueueDirectly(try sign(), client: client, mintToken: chain.mintToken)
        print("  paymentd direct (socket enqueue): \(Int(direct1)) payments/s")
        try await settle(client)

        let headersFile = workspace.directory + "/paid-headers.txt"
        try sign().map(\.headerValue).joined(separator: "\n").appending("\n").write(toFile: headersFile, atomically: true, encoding: .utf8)
        let paidScript = workspace.directory + "/paid.lua"
        try WrkRun.paidScript.write(toFile: paidScript, atomically: true, encoding: .utf8)
        // wrk sleeps its whole -d before it joins threads that stopped early, so its requests/s
        // undercounts here; the rate is taken from the payments' creation times instead.
        let beforePaid = try await totalPayments(client)
        let paid = try await BlockingWork.run { [connections, payments] in
            try WrkRun.run(url: url, script: paidScript, scriptArguments: [headersFile, "2"], threads: 2, connections: connections,
                           seconds: max(10, payments / 20))
        }
        let paidRate = try await creationRate(client, since: beforePaid)
        print("  through mint-server (wrk): \(Int(paidRate)) paid requests/s, latency p50 \(paid.p50), p99 \(paid.p99), "
              + "\(paid.totalRequests) requests, \(paid.non2xx) not 2xx")
        try await settle(client)

        let direct2 = try await enqueueDirectly(try sign(), client: client, mintToken: chain.mintToken)
        print("  paymentd direct again: \(Int(direct2)) payments/s")
        let directRate = (direct1 + direct2) / 2
        print(String(format: "\nratio: paid requests through mint-server / direct socket enqueues = %.2f (goal >= 0.8)", paidRate / directRate))
        let stats = try await client.stats()
        print("paymentd holds \(PaymentStatus.allCases.map { stats.counts[$0] ?? 0 }.reduce(0, +)) payments "
              + "(\(payments * 3) expected: one per authorization, whatever was sent twice)")

        await server.terminate()
        await client.close()
        await daemon.terminate()
    }

    private func offersOf(_ url: String) async throws -> [PaymentRequirements] {
        let answer = try await HTTPExchange().send("POST", URL(string: url)!, body: Array(#"{"quantity":1}"#.utf8))
        return try PaymentChallenge.offers(paymentRequiredHeader: answer.headers["payment-required"], body: answer.body).accepts
    }

    /// Enqueues what mint-server would enqueue for each payment, `connections` at a time; returns payments/s.
    private func enqueueDirectly(_ payloads: [PaymentPayload], client: PaymentdClient, mintToken: String) async throws -> Double {
        let requests = payloads.map { payload in
            PaymentRequest(type: .mint, token: mintToken, paymentToken: payload.accepted?.asset ?? "", amount: payload.authorization.value,
                           authorization: payload.authorization,
                           metadata: ["quantity": 1, "recipient": .string(payload.payer), "x402Version": 2, "network": .string(payload.network)],
                           idempotencyKey: payload.idempotencyKey(asset: payload.accepted?.asset ?? ""))
        }
        let before = try await totalPayments(client)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<min(connections, requests.count) {
                let request = requests[next]
                group.addTask { _ = try await client.enqueue(request) }
                next += 1
            }
            while try await group.next() != nil {
                if next < requests.count {
                    let request = requests[next]
                    group.addTask { _ = try await client.enqueue(request) }
                    next += 1
                }
            }
        }
        return try await creationRate(client, since: before)
    }

    /// Payments per second over the payments created since paymentd held `before`:
    /// (n − 1) / (newest − oldest). (wrk calls a script's request() once more than it sends, so
    /// a phase may send one header twice; that is the same payment, so a phase is counted by
    /// what paymentd created.)
    private func creationRate(_ client: PaymentdClient, since before: Int) async throws -> Double {
        let created = try await totalPayments(client) - before
        let latest = try await client.list(PaymentListFilter(limit: max(2, min(1000, created))))
        guard let newest = latest.map(\.createdAt).max(), let oldest = latest.map(\.createdAt).min(), newest > oldest else { return 0 }
        return Double(latest.count - 1) / newest.timeIntervalSince(oldest)
    }

    private func totalPayments(_ client: PaymentdClient) async throws -> Int {
        let stats = try await client.stats()
        return PaymentStatus.allCases.map { stats.counts[$0] ?? 0 }.reduce(0, +)
    }

    /// Waits until nothing is pending, processing or sent.
    private func settle(_ client: PaymentdClient) async throws {
        let deadline = Date().addingTimeInterval(600)
        while Date() < deadline {
            let stats = try await client.stats()
            if [PaymentStatus.pending, .processing, .sent].allSatisfy({ (stats.counts[$0] ?? 0) == 0 }) { return }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw ValidationError("paymentd did not settle its queue within 600 s")
    }
}
