import ChainClient

/// The head and the highest final block under the `finality_depth` setting: what a judgement
/// "the chain can no longer change this" is made against (`AuthorizationFate`).
struct FinalBlock: Sendable {
    let head: BlockHeader
    let final: BlockHeader

    /// The highest block `depth` blocks deep (counting its own) under `head`.
    static func number(under head: UInt64, depth: Int) -> UInt64 {
        head + 1 >= UInt64(depth) ? head + 1 - UInt64(depth) : 0
    }

    /// Reads both from `chain`; nil when the node does not have them (yet).
    static func read(_ chain: EthereumRPC, finality: EngineSettings.Finality) async throws -> FinalBlock? {
        guard let head = try await chain.block(.latest) else { return nil }
        let final: BlockHeader?
        switch finality {
        case .depth(let depth):
            let number = Self.number(under: head.number, depth: depth)
            final = number == head.number ? head : try await chain.block(.number(number))
        case .finalizedTag:
            final = try await chain.block(.finalized)
        }
        return final.map { FinalBlock(head: head, final: $0) }
    }

    /// `AuthorizationFate.Facts` of one authorization as of these blocks.
    func facts(used: Bool, use: AuthorizationUse?, validBefore: UInt64, confirmationsRequired: Int) -> AuthorizationFate.Facts {
        AuthorizationFate.Facts(used: used, use: use, validBefore: validBefore, head: (head.number, head.timestamp),
                                final: (final.number, final.timestamp), confirmationsRequired: confirmationsRequired)
    }
}
