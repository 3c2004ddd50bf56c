import ChainClient
import Ethereum
import Logging
import PaymentStore
import Postgres

/// Re-checks every recorded settlement block (completed and failed payments, mined mint
/// batches) against the canonical chain until it is final (DESIGN invariant 7).
///
/// Each tick: the distinct unfinalized (block, hash) pairs come from the database; the
/// `CanonicalChain` window is brought up to the head with a header or two (more only when a
/// reorg makes it walk down to the fork point); a pair whose height the window covers is
/// compared there, an older one is looked up directly. A block still canonical and at or
/// below the finality boundary (`finality_depth` blocks deep, or the node's `finalized` block)
/// is marked final; a block that is gone hands its payments to the confirmer for restoring
/// (completed) or re-checking (failed by a reverted receipt), and reopens its mint batches.
/// A reorg that replaced blocks at or below the finality boundary broke the chain's finality:
/// that is logged as critical, and the recorded blocks already final from the replaced height
/// on are compared again like the others, so what the reorg removed is restored too.
struct ReorgWatcher: Sendable {
    let engine: SettlementEngine
    let database: PostgresSession
    let chain: EthereumRPC

    var logger: Logger { engine.logger }

    func check(_ settings: EngineSettings, chain canonical: inout CanonicalChain?) async throws {
        let (payments, batches) = try await database.withConnection { conn in
            (try PaymentQueue.unfinalizedBlocks(on: conn), try MintQueue.unfinalizedBlocks(on: conn))
        }
        var recorded = Set(payments + batches)
        guard !recorded.isEmpty, let head = try await chain.block(.latest) else { return }
        let boundary: UInt64
        switch settings.finality {
        case .depth(let depth):
            boundary = FinalBlock.number(under: head.number, depth: depth)
        case .finalizedTag:
            boundary = try await chain.block(.finalized)?.number ?? 0
        }
        let capacity = max(64, head.number - min(boundary, head.number) + 16)
        if canonical == nil || canonical!.capacity < capacity { canonical = CanonicalChain(capacity: capacity) }
        guard case .current(let replacedFrom) = try await refresh(&canonical!, head: head) else { return }
        if let replacedFrom, replacedFrom <= boundary {
            let once = try await database.withConnection { conn in
                (try PaymentQueue.finalizedBlocks(from: replacedFrom, on: conn), try MintQueue.finalizedBlocks(from: replacedFrom, on: conn))
            }
            recorded.formUnion(once.0 + once.1)
            logger.critical("a reorg replaced blocks at or below the finality boundary: the chain broke its finality; checking the final settlements and mint batches from there again",
                            metadata: ["replaced_from": "\(replacedFrom)", "boundary": "\(boundary)", "head": "\(head.number)",
                                       "final_blocks_checked": "\(once.0.count + once.1.count)",
                                       "hint": "raise finality_depth, or use finalized where the node has it"])
        }

        var final: [RecordedBlock] = []
        var gone: [RecordedBlock] = []
        var untracked: [RecordedBlock] = []
        for block in recorded {
            switch canonical!.contains(number: block.number, hash: block.hash) {
            case true?: if block.number <= boundary { final.append(block) }
            case false?: gone.append(block)
            case nil:
                if block.number > head.number {
                    // Above the head: gone only when this tick saw the chain replaced from at or
                    // below it (a reorg to a shorter fork); a head merely behind decides nothing.
                    if let replacedFrom, block.number >= replacedFrom { gone.append(block) }
                } else {
                    untracked.append(block)
                }
            }
        }
        if !untracked.isEmpty {
            let headers = try await chain.blocks(untracked.map { .number($0.number) })
            for (block, header) in zip(untracked, headers) {
                if let header, header.hash == block.hash {
                    if block.number <= boundary { final.append(block) }
                } else if header != nil {
                    gone.append(block)
                }
            }
        }
        guard !final.isEmpty || !gone.isEmpty else { return }
        let (finalBlocks, goneBlocks) = (final, gone)
        let (restoring, reopened, batchesReopened) = try await database.withConnection { conn in
            try conn.transaction { tx in
                try PaymentQueue.finalize(finalBlocks, on: tx)
                try MintQueue.finalize(finalBlocks, on: tx)
                let (restoring, reopened) = try PaymentQueue.orphan(goneBlocks, on: tx)
                return (restoring, reopened, try MintQueue.orphan(goneBlocks, on: tx))
            }
        }
        if !gone.isEmpty {
            logger.critical("settlement blocks were reorged out; restoring", metadata: [
                "blocks": "\(gone.map(\.number).sorted())", "completed_payments": "\(restoring.count)",
                "failed_payments_reopened": "\(reopened.count)", "mint_batches_reopened": "\(batchesReopened)"])
            engine.mintWake.signal()
        }
    }

    /// What bringing the window up to the head found.
    private enum Refresh {
        /// The window is at the head; `replacedFrom`: the lowest height a reorg replaced this tick.
        case current(replacedFrom: UInt64?)
        /// The node's answers did not line up, or its head is behind the window: decide nothing.
        case skip
    }

    /// Brings the window up to `head`.
    private func refresh(_ canonical: inout CanonicalChain, head: BlockHeader) async throws -> Refresh {
        var from: UInt64
        if let high = canonical.high, head.number <= high + canonical.capacity {
            from = min(high + 1, head.number)
        } else {
            from = head.number + 1 >= canonical.capacity ? head.number + 1 - canonical.capacity : 0
        }
        for _ in 0..<64 {
            let headers = try await chain.blocks((from...head.number).map { .number($0) })
            guard headers.allSatisfy({ $0 != nil }) else { return .skip }
            switch canonical.absorb(headers.compactMap { $0 }) {
            case .linked(let replacedFrom):
                if let replacedFrom { logger.warning("chain reorganised", metadata: ["from_block": "\(replacedFrom)", "head": "\(head.number)"]) }
                return .current(replacedFrom: replacedFrom)
            case .needsOlder:
                guard from > 0 else { return .skip }
                from = from > 32 ? from - 32 : 0
            case .inconsistent:
                return .skip
            case .behind:
                logger.notice("the RPC endpoint's head is behind the blocks already seen; not a reorg, waiting for it",
                              metadata: ["head": "\(head.number)", "seen": "\(canonical.high.map(String.init) ?? "-")"])
                return .skip
            }
        }
        return .skip
    }
}
