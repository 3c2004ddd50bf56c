/// One measurement the benchmark can run, selectable on its own (`--scenarios`).
///
/// The descriptions are what `paymentd-bench --help` teaches: what is measured, how, and what
/// it costs in time at the default sizes on a 2-core machine.
public enum BenchScenario: String, Sendable, CaseIterable, Comparable {
    case ceiling
    case throughput
    case seed
    case peer
    case enqueue
    case latency
    case stats
    case lanes
    case instances
    case inflight

    public static func < (lhs: BenchScenario, rhs: BenchScenario) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// One paragraph for `--help`.
    public var help: String {
        switch self {
        case .ceiling:
            return """
                ceiling     The devchain's own limit, no paymentd: transferWithAuthorization transactions signed \
                beforehand by the relayer wallets and pushed straight to the node in JSON-RPC batches, timed from \
                the first send until the last is mined. Gives txs/block, blocks/min and the ceiling in payments/min \
                that every throughput figure is divided by. (--ceiling-txs, default 3000: about 30 s.)
                """
        case .throughput:
            return """
                throughput  Completed payments/min through paymentd: N payments signed by buyers, enqueued over the \
                socket from 16 connections, timed from the first enqueue until every one is completed and its \
                tokens minted. Also enqueue->sent and enqueue->completed percentiles, and the daemon's cost (CPU \
                per 1,000 payments, peak RSS, PostgreSQL statements and RPC requests per payment) and the CPU the \
                devchain and PostgreSQL spent. (--throughput-sizes, default 50,1000,10000: about 6-10 min.)
                """
        case .seed:
            return """
                seed        The replaced TypeScript system's pacing on this engine, the same workload run twice: \
                payment_batch_size 10 every 4 s with no wake-up on enqueue (send_pacing interval), and 20 receipts \
                checked every 2 s (confirm_batch_size 20, confirm_interval_ms 2000); then our defaults. The ratio \
                is ours / theirs. (--seed-payments, default 500: about 4 min, nearly all of it the seed's pacing.)
                """
        case .peer:
            return """
                peer        The x402 Python SDK's own facilitator (PyPI x402: x402FacilitatorSync, exact EVM scheme, \
                FacilitatorWeb3Signer), what users would run instead: the same kind of payments verified and settled \
                on a fresh devchain, one at a time and from a pool of threads sharing its one key \
                (x402-sdk/facilitator_peer.py). Our throughput as a multiple of it. (--peer-threads, default 1,32, \
                with --peer-payments, default 60,600: about 3 min.)
                """
        case .enqueue:
            return """
                enqueue     Enqueue round trips (socket -> validation -> authorizationState on chain -> insert -> \
                answer) p50/p99/p99.9 and enqueues/s, from 1 client one at a time and from 64 concurrent clients \
                (64 connections). The daemon sends and mints what it took meanwhile, as in production. \
                (--enqueue-single, default 1000; --enqueue-concurrent, default 5000: about 1-2 min.)
                """
        case .latency:
            return """
                latency     Bursts of 50 payments enqueued at once, each burst waited out: time from the last \
                enqueue of a burst until all 50 are sent (the replaced system's "50 in 2-5 s"), and \
                enqueue->sent, enqueue->completed, enqueue->minted p50/p99 over every burst. \
                (--bursts, default 4: under a minute.)
                """
        case .stats:
            return """
                stats       Latency of the socket's stats command with 10^3, 10^5 and 10^6 completed history rows \
                in payment_queue (inserted with generate_series straight into the database, then ANALYZE), \
                200 calls at each size, p50/p99. (--stats-rows, default 1000,100000,1000000: about 2-4 min, \
                mostly the inserts.)
                """
        case .lanes:
            return """
                lanes       Throughput with 1, 2, 4 and 8 signer lanes (hot wallets, one nonce sequence each), one \
                instance. (--lanes, default 1,2,4,8; --scale-payments, default 600 each: about 3 min.)
                """
        case .instances:
            return """
                instances   Throughput of 1 and of 3 paymentd processes on one database (4 signer lanes leased \
                among them by PostgreSQL advisory locks). (--instances, default 1,3; --scale-payments: about 2 min.)
                """
        case .inflight:
            return """
                inflight    Throughput with max_in_flight_per_signer 1, 4, 16 and 64 (4 signer lanes): how many \
                unconfirmed transactions one wallet may have. Real nodes evict beyond about 16 queued per \
                account. (--in-flight, default 1,4,16,64; --scale-payments: about 4 min, most of it at 1.)
                """
        }
    }
}
