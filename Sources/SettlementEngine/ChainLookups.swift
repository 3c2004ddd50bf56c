import ChainClient
import Ethereum

/// The chain questions every loop asks about its own stored transactions (a row's or a
/// batch's every attempt).
extension EthereumRPC {
    /// Receipts of the mined ones among `hashes`. One batch.
    func receiptsByHash(_ hashes: [Bytes32]) async throws(ChainError) -> [Bytes32: TransactionReceipt] {
        var found: [Bytes32: TransactionReceipt] = [:]
        for (hash, receipt) in zip(hashes, try await receipts(hashes)) { if let receipt { found[hash] = receipt } }
        return found
    }

    /// The ones among `hashes` the node still knows (pending in its pool, or mined). One batch.
    func knownHashes(_ hashes: [Bytes32]) async throws(ChainError) -> Set<Bytes32> {
        var known = Set<Bytes32>()
        for (hash, info) in zip(hashes, try await transactions(hashes)) where info != nil { known.insert(hash) }
        return known
    }
}

extension TransactionReceipt {
    /// Blocks on top of this receipt's, counting its own; 0 when the head is behind it (a reorg).
    func confirmations(head: BlockHeader) -> Int {
        head.number >= blockNumber ? Int(head.number - blockNumber) + 1 : 0
    }
}
