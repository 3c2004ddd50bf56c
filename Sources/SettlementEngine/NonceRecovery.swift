import ChainClient
import Ethereum
import Logging
import PaymentStore

/// Rebuilds every lane's nonce state from what the chain and the database agree on, and gives
/// the node back anything it may have lost. Runs at start-up and whenever a commit's outcome
/// is unknown.
///
/// For each signer: `next` = max(the chain's pending count, the highest nonce an unsettled
/// row holds + 1). A nonce between the pending count and `next` that no unsettled row holds is
/// a hole (its transaction was never broadcast or was dropped) and is handed out first.
struct NonceRecovery: Sendable {
    let engine: SettlementEngine

    /// `paymentLanesOnly`: rebuild only the payment lanes (the send loop's own, after a failed
    /// iteration), leaving the mint lane to the loop that owns it.
    func run(paymentLanesOnly: Bool = false) async throws {
        let chain = engine.requestChain
        let session = engine.requests.next
        let all = [(engine.paymentLanes, "payment"), (engine.mintLanes, "mint")]
        for (lanes, role) in paymentLanesOnly ? Array(all.prefix(1)) : all {
            for signer in await lanes.addresses {
                let counts = try await chain.transactionCounts([(signer, .latest), (signer, .pending)])
                let (latest, pending) = (counts[0], counts[1])
                let held: [Int64] = try await session.withConnection { conn in
                    role == "payment" ? try PaymentQueue.heldNonces(signer: signer.checksummed, on: conn)
                                      : try MintQueue.openBatches(on: conn).filter { $0.signer.lowercased() == signer.lowercaseHex }.compactMap(\.nonce)
                }
                let heldSet = Set(held.map { UInt64($0) })
                let next = max(pending, latest, (heldSet.max().map { $0 + 1 }) ?? 0)
                let holes = next > pending ? (pending..<next).filter { !heldSet.contains($0) } : []
                await lanes.resynchronise(signer, next: next, holes: holes, minedNonce: latest, inFlight: heldSet.count)
                engine.logger.info("nonce state", metadata: [
                    "signer": "\(signer.checksummed)", "role": "\(role)", "mined": "\(latest)", "pending": "\(pending)",
                    "next": "\(next)", "holes": "\(holes)",
                ])
            }
        }
        try await rebroadcastSent()
    }

    /// A node that restarted may have lost its pool: broadcast every stored transaction of a
    /// `sent` payment again. The node answers "already known" or "nonce too low" for the ones it
    /// still has or has mined; nothing is recorded from the answers.
    private func rebroadcastSent() async throws {
        let rows = try await engine.requests.next.withConnection { conn in try PaymentQueue.sent(on: conn) }
        let raws = rows.compactMap { $0.rawTx }.compactMap { try? Hex.decode($0) }
        guard !raws.isEmpty else { return }
        let outcomes = try await engine.requestChain.sendRawTransactions(raws)
        let accepted = outcomes.filter { if case .accepted = $0 { return true } else { return false } }.count
        engine.logger.info("rebroadcast sent transactions", metadata: ["count": "\(raws.count)", "newly_accepted": "\(accepted)"])
    }
}
