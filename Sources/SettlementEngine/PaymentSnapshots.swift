import Foundation
import PaymentModel
import PaymentStore

/// Turns store rows into the snapshots clients see.
enum PaymentSnapshots {
    static func make(_ row: PaymentRow, mints: [MintJobRow]) -> PaymentSnapshot {
        PaymentSnapshot(
            paymentID: row.id, type: row.type, status: row.status, payer: row.payer, amount: row.amount,
            paymentToken: row.paymentTokenAddress, token: row.tokenAddress, txHash: row.txHash, error: row.error,
            createdAt: Date(timeIntervalSince1970: row.createdAt), processedAt: row.processedAt.map(Date.init(timeIntervalSince1970:)),
            result: row.result, metadata: row.metadata, signer: row.signer, nonce: row.nonce,
            attempts: row.attempts.map(\.hash),
            mints: mints.map { MintSnapshot(index: $0.index ?? 0, recipient: $0.recipient, status: $0.status, dedupeHash: $0.dedupeHash,
                                            txHash: $0.mintTxHash, error: $0.error) },
            confirmedBlock: row.confirmedBlock, finalized: row.finalized, restoring: row.isRestoring, settlementLost: row.settlementLost)
    }
}
