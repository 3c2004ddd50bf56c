import ChainClient
import Ethereum
import PaymentStore
import Synchronization

/// Reads what mint tokens have left to sell, for enqueue's supply reservation (issue 16,
/// scenario 7): `remainingSupply()` at the head, in items of `mintAmount()` each. A token
/// without these views (it reverts) has no limit known, and is left out. `mintAmount()` does
/// not change, so it is read once per token; the supply is read with every screening batch,
/// one `eth_call` per distinct token in it.
final class SupplyReader: Sendable {
    private let chain: EthereumRPC
    /// Tokens per item, per token; `.none` once a token is known not to answer.
    private let amounts = Mutex<[Address: UInt256?]>([:])

    init(chain: EthereumRPC) {
        self.chain = chain
    }

    /// Each token's remaining supply in items as of block `head` (tokens without a known limit
    /// are absent).
    func supplies(of tokens: [Address], at head: UInt64) async throws -> [Address: ItemSupply] {
        let distinct = Array(Set(tokens))
        guard !distinct.isEmpty else { return [:] }
        let unknown = amounts.withLock { known in distinct.filter { known[$0] == nil } }
        if !unknown.isEmpty {
            let outcomes = try await chain.calls(unknown.map { CallRequest(to: $0, data: MintContractCalldata.mintAmount()) })
            let read = zip(unknown, outcomes).map { token, outcome in (token, outcome.returnData.flatMap(Self.word)) }
            amounts.withLock { known in for (token, amount) in read { known[token] = .some(amount) } }
        }
        let limited = amounts.withLock { known in distinct.compactMap { token in (known[token] ?? nil).map { (token, $0) } } }
            .filter { !$0.1.isZero }
        guard !limited.isEmpty else { return [:] }
        let outcomes = try await chain.calls(limited.map { CallRequest(to: $0.0, data: MintContractCalldata.remainingSupply(), block: .number(head)) })
        var supplies: [Address: ItemSupply] = [:]
        for ((token, perItem), outcome) in zip(limited, outcomes) {
            guard let remaining = outcome.returnData.flatMap(Self.word) else { continue }
            let items = remaining / perItem
            supplies[token] = ItemSupply(items: Int64(clamping: items.uint64Value ?? UInt64(Int64.max)), block: head)
        }
        return supplies
    }

    private static func word(_ data: [UInt8]) -> UInt256? {
        data.count == 32 ? try? UInt256(bigEndian: data) : nil
    }
}
