import TestHarness

/// One fault the drill inflicts while payments are in flight.
public enum ChaosAction: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL the daemon at once, then start it again on the same database.
    case kill
    /// The devchain fails the next `count` HTTP requests in `mode` (http503, rpc-error, after, drop).
    case rpcFault(count: Int, mode: String)
    /// The last `depth` blocks are replaced; their transactions go back to the pool, or are
    /// lost for good (`reinject` false: nonces the relayer thought spent are free again). With
    /// `respend`, the new fork's first block holds the payer of an orphaned settlement spending
    /// its nonce on a transfer to himself (that payment can no longer be paid).
    case reorg(depth: Int, reinject: Bool, respend: Bool)
    /// A third party relays `count` payments' authorizations while ours are pending or sent.
    case relayPending(count: Int)
    /// The operator cancels `count` payments in flight: each cancel must be refused (the
    /// authorization can still settle) or find the payment paid; none may fail a payment.
    case cancel(count: Int)
    /// Transfers are starved of gas (`transfer_gas_limit` 55,000, simulation off) for `seconds`,
    /// so ours revert; then a third party relays some of the reverted ones.
    case revertWindow(seconds: Int)

    public var description: String {
        switch self {
        case .kill: "kill -9 and restart"
        case .rpcFault(let count, let mode): "fail the next \(count) RPC requests (\(mode))"
        case .reorg(let depth, let reinject, let respend):
            "reorg \(depth) blocks \(reinject ? "with" : "without") reinjection\(respend ? ", the payer re-spending a nonce in the fork" : "")"
        case .relayPending(let count): "a third party relays \(count) pending payments"
        case .cancel(let count): "cancel \(count) payments in flight"
        case .revertWindow(let seconds): "our transfers revert for \(seconds) s (gas starved), then a third party relays some"
        }
    }
}

/// The faults of one drill, in order, drawn from a seed: the same seed replays the same drill.
public struct ChaosPlan: Sendable, Hashable {
    public let actions: [ChaosAction]
    /// Seconds to wait before each action.
    public let pauses: [Double]

    public init(seed: UInt64, kills: Int, reorgs: Int, rpcFaults: Int, maxReorgDepth: Int, respends: Int = 0, relays: Int = 0,
                cancels: Int = 0, revertWindows: Int = 0) {
        var random = SplitMix64(seed: seed)
        var actions: [ChaosAction] = Array(repeating: .kill, count: kills)
        let modes = ["http503", "rpc-error", "after", "drop"]
        for index in 0..<rpcFaults {
            actions.append(.rpcFault(count: Int.random(in: 3...25, using: &random), mode: modes[index % modes.count]))
        }
        for index in 0..<reorgs {
            // The first `respends` with the payer re-spending a nonce in the new fork, the others
            // alternating with reinjection (anvil's and geth's way) and losing the orphans for good.
            // A re-spend fork never reinjects: the network re-mining our orphaned mint next to the
            // payer's re-spend is the hole `mint_confirmations` 1 leaves open by design (README,
            // "a charged buyer ends minted or refunded"); no engine can take a mint out of a pool,
            // so the drill would judge the devchain, not us. Without reinjection the fork tests
            // that we never broadcast that mint again ourselves.
            let respend = index < respends
            actions.append(.reorg(depth: Int.random(in: 1...max(1, maxReorgDepth), using: &random),
                                  reinject: !respend && (index - min(index, respends)) % 2 == 0, respend: respend))
        }
        for _ in 0..<relays { actions.append(.relayPending(count: Int.random(in: 2...6, using: &random))) }
        for _ in 0..<cancels { actions.append(.cancel(count: Int.random(in: 3...10, using: &random))) }
        for _ in 0..<revertWindows { actions.append(.revertWindow(seconds: Int.random(in: 3...6, using: &random))) }
        actions.shuffle(using: &random)
        self.actions = actions
        pauses = actions.map { _ in Double(Int.random(in: 1_500...5_000, using: &random)) / 1000 }
    }
}
