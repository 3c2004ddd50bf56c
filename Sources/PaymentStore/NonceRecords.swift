import Ethereum
import Postgres

/// Signed bytes recorded for one nonce of a signer, and what recorded them.
public struct RecordedTransaction: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable {
        case payment, mintBatch = "mint_batch", filler
    }

    public var nonce: UInt64
    /// nil for a record whose bytes must not be broadcast (an open mint batch whose payments a
    /// reorg unsettled), and for one without bytes (none is written so; tolerated when reading).
    public var rawTx: [UInt8]?
    public var source: Source

    public init(nonce: UInt64, rawTx: [UInt8]?, source: Source) {
        self.nonce = nonce
        self.rawTx = rawTx
        self.source = source
    }
}

/// Which nonces of a signer something recorded, across the three tables that sign: payments,
/// mint batches and fillers.
///
/// A recorded nonce is re-used only by the bytes recorded for it (DESIGN invariant 7): whatever
/// the record's status, a completed payment's transaction can be reorged out and a front-run
/// payment's own transaction dropped, and then that nonce must not go to a new payment (two
/// rows would claim it; the unique index refuses the second and the send loop would stop).
public enum NonceRecords {
    /// Every record of `signer` at nonce `from` or above, by nonce. An open mint batch whose
    /// payments are not settled on the current chain (a reorg took their settlement) holds its
    /// nonce without bytes: its bytes must not be broadcast again (they would mint unpaid), and
    /// the mint loop replaces that nonce with a filler.
    public static func at(signer: Address, from: UInt64, on conn: PostgresConnection) throws(StoreError) -> [RecordedTransaction] {
        try StoreError.wrap {
            try conn.query("""
                SELECT nonce, raw_tx, 'payment' AS source FROM payment_queue
                  WHERE lower(signer) = lower($1) AND nonce IS NOT NULL AND nonce >= $2
                UNION ALL
                SELECT b.nonce,
                       CASE WHEN EXISTS (SELECT 1 FROM mint_queue j JOIN payment_queue p ON p.id = j.payment_id
                                         WHERE j.batch_id = b.id AND b.status IN ('processing', 'sent')
                                           AND (p.reorged_at IS NOT NULL OR p.settlement_lost IS NOT NULL))
                            THEN NULL ELSE b.raw_tx END, 'mint_batch'
                  FROM mint_batches b
                  WHERE lower(b.signer) = lower($1) AND b.nonce IS NOT NULL AND b.nonce >= $2
                UNION ALL
                SELECT nonce, raw_tx, 'filler' FROM nonce_fillers
                  WHERE lower(signer) = lower($1) AND nonce >= $2
                ORDER BY nonce
                """, [signer.checksummed, String(from)]).rows.map { row throws(StoreError) in
                    let reader = RowReader(row: row, table: "nonce records")
                    return RecordedTransaction(nonce: try reader.optionalUInt64("nonce") ?? 0, rawTx: try reader.optionalHex("raw_tx"),
                                               source: try reader.enumeration("source", RecordedTransaction.Source.self))
                }
        }
    }
}
