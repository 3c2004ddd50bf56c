import ChainClient
import Ethereum

/// The on-chain proof that one payment was paid: this authorization's `AuthorizationUsed` log
/// and, as the very next log of the same transaction, the `Transfer(payer → recipient, value)`
/// the token emitted with it (FiatToken marks the authorization used, then transfers).
///
/// Why a pair and not "a matching Transfer somewhere in the receipt": the EIP-3009 nonce is
/// the payer's choice and binds neither recipient nor value, so one transaction (a multicall)
/// can spend authorization A to us and authorization B's nonce to the payer himself; B's
/// `AuthorizationUsed` is then in a receipt that also holds a Transfer to us, which paid A.
/// Adjacency ties each Transfer to the authorization that caused it, and the pair's identity
/// (transaction hash, log index) is stored unique, so one pair pays one payment.
struct SettlementPair: Sendable, Hashable {
    let transactionHash: Bytes32
    let blockNumber: UInt64
    let blockHash: Bytes32
    /// The `AuthorizationUsed` log's index in its block; the `Transfer` is at `logIndex + 1`.
    let logIndex: UInt64

    /// The pair for `authorization` of `token` in `receipt`, if the receipt succeeded and holds it.
    static func find(in receipt: TransactionReceipt, token: Address, authorization: TransferWithAuthorization) -> SettlementPair? {
        guard receipt.succeeded else { return nil }
        let logs = receipt.logs
        for (position, used) in logs.enumerated()
        where used.address == token && !used.removed && used.topics.count >= 3 && used.topics[0] == EventTopic.authorizationUsed
            && used.topics[1] == EventTopic.address(authorization.from) && used.topics[2] == authorization.nonce {
            guard position + 1 < logs.count else { continue }
            let transfer = logs[position + 1]
            guard transfer.address == token, !transfer.removed, transfer.logIndex == used.logIndex + 1,
                  transfer.topics.count >= 3, transfer.topics[0] == EventTopic.transfer,
                  transfer.topics[1] == EventTopic.address(authorization.from), transfer.topics[2] == EventTopic.address(authorization.to),
                  (try? UInt256(bigEndian: transfer.data)) == authorization.value else { continue }
            return SettlementPair(transactionHash: receipt.transactionHash, blockNumber: receipt.blockNumber,
                                  blockHash: receipt.blockHash, logIndex: used.logIndex)
        }
        return nil
    }

    /// How many blocks are on top of the pair's, counting its own (0 when the head is behind it).
    func confirmations(head: BlockHeader) -> Int {
        head.number >= blockNumber ? Int(head.number - blockNumber) + 1 : 0
    }
}
