import ChainClient
import Ethereum
import Logging
import PaymentStore

/// Rebuilds every lane's nonce state from what the chain and the database agree on, and gives
/// the node back anything it may have lost. Runs at start-up and whenever a commit's outcome
/// is unknown.
///
/// For each signer, with `mined` its mined transaction count and `pending` the node's count
/// including its pool: every nonce at or above `mined` that a record holds (a payment of any
/// status, a mint batch, a filler) is held, and its recorded bytes are broadcast again (a node
/// that restarted or reorged may have lost them; "already known" and "nonce too low" answers
/// are harmless). `next` = max(pending, mined, highest held + 1); a nonce between `pending` and
/// `next` that no record holds is a hole, handed out first or filled.
struct NonceRecovery: Sendable {
    let engine: SettlementEngine

    /// Rebuilds the lanes this instance holds the lease of (after a failed send iteration:
    /// the payment lanes only, the mint lane being its loop's own).
    func run(paymentLanesOnly: Bool = false) async throws {
        try await run(lanes: engine.paymentLanes, signers: await engine.paymentLanes.leasedAddresses, role: "payment")
        if !paymentLanesOnly {
            try await run(lanes: engine.mintLanes, signers: await engine.mintLanes.leasedAddresses, role: "mint")
        }
    }

    /// Rebuilds the lanes of `signers` (a lane just leased, before it is used).
    func run(lanes: SignerLanes, signers: [Address], role: String) async throws {
        let chain = engine.requestChain
        let session = engine.requests.next
        var lost: [[UInt8]] = []
        for signer in signers {
            let counts = try await chain.transactionCounts([(signer, .latest), (signer, .pending)])
            let (latest, pending) = (counts[0], counts[1])
            let records = try await session.withConnection { conn in
                try NonceRecords.at(signer: signer, from: latest, on: conn)
            }
            let held = Set(records.map(\.nonce))
            let next = max(pending, latest, (held.max().map { $0 + 1 }) ?? 0)
            let holes = next > pending ? (pending..<next).filter { !held.contains($0) } : []
            await lanes.resynchronise(signer, next: next, holes: holes, minedNonce: latest, inFlight: held.count)
            lost += records.compactMap(\.rawTx)
            engine.logger.info("nonce state", metadata: [
                "signer": "\(signer.checksummed)", "role": "\(role)", "mined": "\(latest)", "pending": "\(pending)",
                "next": "\(next)", "holes": "\(holes)", "held": "\(held.count)",
            ])
        }
        guard !lost.isEmpty else { return }
        let outcomes = try await chain.sendRawTransactions(lost)
        let accepted = outcomes.filter { if case .accepted = $0 { return true } else { return false } }.count
        engine.logger.info("broadcast recorded transactions again", metadata: ["count": "\(lost.count)", "newly_accepted": "\(accepted)"])
    }
}
