import ChainClient
import PaymentStore

/// Reads, in a few batches, what the chain can still do with payments' authorizations: the
/// head and the final block, `authorizationState` at the head per token, and for the used ones
/// the transaction that used them (`FrontRunLookup`). Then `AuthorizationFate` judges each.
struct AuthorizationFateReader: Sendable {
    let chain: EthereumRPC
    let range: LogRange

    /// The fate of each row's authorization as of `blocks` (rows whose authorization cannot be
    /// read are absent: they can never be relayed, by us or anyone using their stored form).
    func fates(of rows: [PaymentRow], at blocks: FinalBlock, settings: EngineSettings) async throws -> [String: AuthorizationFate] {
        let readable = rows.compactMap { row in row.transfer.map { (row, $0) } }
        guard !readable.isEmpty else { return [:] }
        var used: [String: Bool] = [:]
        for (token, group) in Dictionary(grouping: readable, by: { $0.0.paymentToken }) {
            let states = try await chain.authorizationStates(token: token, group.map { (authorizer: $0.1.from, nonce: $0.1.nonce) },
                                                             block: .number(blocks.head.number))
            for ((row, _), state) in zip(group, states) { used[row.id] = state }
        }
        let uses = try await FrontRunLookup(chain: chain, range: range, configuredRange: settings.logRangeBlocks).uses(for: readable.map(\.0).filter { used[$0.id] == true }, head: blocks.head.number)
        var fates: [String: AuthorizationFate] = [:]
        for (row, transfer) in readable {
            var facts = blocks.facts(used: used[row.id] ?? false, use: uses[row.id], validBefore: transfer.validBefore.uint64Value ?? .max,
                                     confirmationsRequired: settings.confirmationsRequired)
            facts.searchedFromEnqueue = row.enqueuedBlock != nil
            fates[row.id] = AuthorizationFate.judge(facts)
        }
        return fates
    }
}
