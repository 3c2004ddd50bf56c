import Ethereum
import Foundation
import PaymentModel
import PaymentStore

/// Turns store rows into the snapshots clients see (addresses checksummed, hashes and amounts
/// as the protocol writes them).
enum PaymentSnapshots {
    static func make(_ row: PaymentRow, mints: [MintJobRow]) -> PaymentSnapshot {
        PaymentSnapshot(
            paymentID: row.id, type: row.type, status: row.status, payer: row.payer.checksummed, amount: row.amount.description,
            paymentToken: row.paymentToken.checksummed, token: row.token?.checksummed, txHash: row.txHash?.hex, error: row.error,
            createdAt: row.createdAt, processedAt: row.processedAt, result: row.result, metadata: row.metadata,
            signer: row.signer?.checksummed, nonce: row.nonce.map { Int64($0) }, attempts: row.attempts.map(\.hash.hex),
            mints: mints.map { MintSnapshot(index: $0.index ?? 0, recipient: $0.recipient, status: $0.status, dedupeHash: $0.dedupeHash,
                                            txHash: $0.mintTxHash, error: $0.error) },
            confirmedBlock: row.confirmedBlock.map { Int64($0) }, finalized: row.finalized, restoring: row.isRestoring,
            settlementLost: row.settlementLost, refundDue: refundDue(row, mints: mints)?.description,
            refundTxHash: row.refundTxHash?.hex, refundAmount: row.refundAmount?.description)
    }

    /// What the buyer is owed for mints that cannot be made: paid, nothing refunded yet.
    private static func refundDue(_ row: PaymentRow, mints: [MintJobRow]) -> UInt256? {
        guard row.status == .completed, row.reorgedAt == nil, row.settlementLost == nil, row.refundTxHash == nil else { return nil }
        return RefundProof.due(amount: row.amount, mints: mints.map(\.status))
    }
}
