import TestHarness

/// One fault the drill inflicts while payments are in flight.
public enum ChaosAction: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL the daemon at once, then start it again on the same database.
    case kill
    /// The devchain fails the next `count` HTTP requests in `mode` (http503, rpc-error, after, drop).
    case rpcFault(count: Int, mode: String)
    /// The last `depth` blocks are replaced; their transactions go back to the pool, or are
    /// lost for good (`reinject` false: nonces the relayer thought spent are free again).
    case reorg(depth: Int, reinject: Bool)

    public var description: String {
        switch self {
        case .kill: "kill -9 and restart"
        case .rpcFault(let count, let mode): "fail the next \(count) RPC requests (\(mode))"
        case .reorg(let depth, let reinject): "reorg \(depth) blocks \(reinject ? "with" : "without") reinjection"
        }
    }
}

/// The faults of one drill, in order, drawn from a seed: the same seed replays the same drill.
public struct ChaosPlan: Sendable, Hashable {
    public let actions: [ChaosAction]
    /// Seconds to wait before each action.
    public let pauses: [Double]

    public init(seed: UInt64, kills: Int, reorgs: Int, rpcFaults: Int, maxReorgDepth: Int) {
        var random = SplitMix64(seed: seed)
        var actions: [ChaosAction] = Array(repeating: .kill, count: kills)
        let modes = ["http503", "rpc-error", "after", "drop"]
        for index in 0..<rpcFaults {
            actions.append(.rpcFault(count: Int.random(in: 3...25, using: &random), mode: modes[index % modes.count]))
        }
        for index in 0..<reorgs {
            // Half with reinjection (anvil's and geth's way), half losing the orphans for good.
            actions.append(.reorg(depth: Int.random(in: 1...max(1, maxReorgDepth), using: &random), reinject: index % 2 == 0))
        }
        actions.shuffle(using: &random)
        self.actions = actions
        pauses = actions.map { _ in Double(Int.random(in: 1_500...5_000, using: &random)) / 1000 }
    }
}
