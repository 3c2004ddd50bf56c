import Foundation
import LineProtocolClient
import TestHarness

/// Times the socket's `stats` command as the history in `payment_queue` grows: completed rows
/// (finalized, spread over the past weeks, as a long-running installation has them) are
/// inserted straight into the database with `generate_series`, the table is analysed, and
/// `stats` is called one at a time through the daemon.
///
/// It answers one question: does `stats` cost grow with history? (It must not: it is what
/// monitoring polls.)
struct StatsLatency: Sendable {
    let rowCounts: [Int]
    let calls: Int

    func run(_ context: PaymentRun.Context) async throws -> [StatsLatencyResult] {
        context.log("stats: starting the devchain, a database and paymentd")
        let chain = try Devchain.start(blockMilliseconds: context.options.blockMilliseconds, signers: 1, buyers: 1,
                                       extraArguments: ["--log-level", "WARNING"])
        defer { chain.stop() }
        let conninfo = try context.database.makeDatabase()
        defer { context.database.dropDatabase(conninfo) }
        let workspace = try PaymentdWorkspace(deployment: chain.deployment, databaseURL: conninfo, signerCount: 1, logLevel: "warning")
        let fleet = try await DaemonFleet.start(workspace, instances: 1, signers: 1, settings: [])
        let watch = try SettlementWatch(conninfo: conninfo)
        let client = PaymentdClient(socketPath: fleet.sockets[0], requestTimeout: .seconds(120))
        var results: [StatsLatencyResult] = []
        do {
            var present = 0
            for target in rowCounts.sorted() {
                let clock = ContinuousClock()
                let start = clock.now
                while present < target {
                    let upTo = min(target, present + 100_000)
                    _ = try watch.query(Self.insertSQL(from: present + 1, to: upTo, chain: chain))
                    present = upTo
                    if target >= 200_000 { context.log("stats: \(present)/\(target) history rows") }
                }
                _ = try watch.query("ANALYZE payment_queue")
                let insertSeconds = EnqueueDriver.seconds(clock.now - start)
                for _ in 0..<3 { _ = try await client.stats() }
                var samples: [Double] = []
                for _ in 0..<calls {
                    let sent = clock.now
                    _ = try await client.stats()
                    samples.append(EnqueueDriver.milliseconds(clock.now - sent))
                }
                let result = StatsLatencyResult(rows: target, insertSeconds: insertSeconds, latency: LatencySummary(milliseconds: samples))
                context.log("stats: \(target) rows: p50 \(String(format: "%.2f", result.latency?.p50 ?? 0)) ms, "
                            + "p99 \(String(format: "%.2f", result.latency?.p99 ?? 0)) ms")
                results.append(result)
            }
        } catch {
            await client.close()
            await fleet.stop(graceSeconds: 5)
            throw error
        }
        await client.close()
        await fleet.stop()
        return results
    }

    /// Completed, finalized payments `first...last`, each with its own authorization nonce,
    /// transaction hash and block, created two seconds apart ending a day ago.
    static func insertSQL(from first: Int, to last: Int, chain: Devchain) -> String {
        let payer = "0x000000000000000000000000000000000000bEEF"
        return """
            INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount, payment_token_address, metadata,
                                       status, tx_hash, created_at, processed_at, auth_nonce, sent_at, confirmed_block,
                                       confirmed_block_hash, finalized, updated_at)
            SELECT 'mint', '\(chain.mintToken)',
                   jsonb_build_object('from', '\(payer)', 'to', '\(chain.receiver)', 'value', '1000', 'validAfter', '0',
                                      'validBefore', '4102444800', 'nonce', n.nonce, 'signature', '0x' || repeat('11', 65)),
                   '\(payer)', '1000', '\(chain.usdc)', '{"quantity": 1}'::jsonb, 'completed',
                   '0x' || md5('tx' || i) || md5('hash' || i), t.created, t.created + interval '4 seconds', n.nonce,
                   t.created + interval '1 second', i, '0x' || md5('block' || i) || md5('hash' || i), true, t.created + interval '4 seconds'
            FROM generate_series(\(first), \(last)) AS i,
                 LATERAL (SELECT '0x' || lpad(to_hex(i), 64, '0') AS nonce) n,
                 LATERAL (SELECT now()::timestamp - interval '1 day' - (i * interval '2 seconds') AS created) t
            """
    }
}
