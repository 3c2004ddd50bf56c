import ChainClient
import Ethereum

/// The chain questions every loop asks about its own stored transactions, keyed by the
/// lowercase hex hashes the database holds (a row's or batch's every attempt).
extension EthereumRPC {
    /// Receipts of the mined ones among `hashes`, by lowercase hash. One batch.
    func receiptsByHash(_ hashes: [String]) async throws(ChainError) -> [String: TransactionReceipt] {
        let parsed = hashes.compactMap { try? Bytes32(hex: $0) }
        var found: [String: TransactionReceipt] = [:]
        for (hash, receipt) in zip(parsed, try await receipts(parsed)) { if let receipt { found[hash.hex] = receipt } }
        return found
    }

    /// The ones among `hashes` the node still knows (pending in its pool, or mined), lowercase. One batch.
    func knownHashes(_ hashes: [String]) async throws(ChainError) -> Set<String> {
        let parsed = hashes.compactMap { try? Bytes32(hex: $0) }
        var known = Set<String>()
        for (hash, info) in zip(parsed, try await transactions(parsed)) where info != nil { known.insert(hash.hex) }
        return known
    }
}

extension TransactionReceipt {
    /// Blocks on top of this receipt's, counting its own; 0 when the head is behind it (a reorg).
    func confirmations(head: BlockHeader) -> Int {
        head.number >= blockNumber ? Int(head.number - blockNumber) + 1 : 0
    }
}
