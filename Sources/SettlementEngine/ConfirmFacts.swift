import ChainClient
import Ethereum

/// Everything the chain said this tick about the unsettled payments, gathered by the
/// confirmer's I/O in a few batches, so `ConfirmPlanner` can decide without a network.
struct ConfirmFacts: Sendable {
    /// The head the receipts and states were read against.
    var head: BlockHeader
    /// Wall-clock unix seconds (ages of broadcasts and signatures).
    var now: Double
    var confirmationsRequired: Int
    var rebroadcastAfterSeconds: Double
    var feeBumpAfterSeconds: Double
    /// How many times a payment whose own transaction reverted is signed again (`revert_retries`).
    var revertRetries: Int = 0
    /// Receipts of the payments' transactions; absent = not mined.
    var receipts: [Bytes32: TransactionReceipt] = [:]
    /// Each payment signer's mined transaction count (`latest`), read before the receipts.
    var minedNonces: [Address: UInt64] = [:]
    /// `authorizationState` per payment id; absent = not asked, or the token could not answer.
    var authorizationUsed: [String: Bool] = [:]
    /// What used each payment's authorization, per payment id; absent = no use found.
    var uses: [String: AuthorizationUse] = [:]
    /// Payment ids whose transactions were looked up in the node's pool this tick.
    var poolChecked: Set<String> = []
    /// Hashes the node knows (pending or mined), among those looked up.
    var known: Set<Bytes32> = []

    /// Blocks on top of `number`, counting its own.
    func depth(of number: UInt64) -> Int {
        head.number >= number ? Int(head.number - number) + 1 : 0
    }
}
