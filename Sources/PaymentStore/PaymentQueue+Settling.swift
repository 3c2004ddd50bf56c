import Ethereum
import Foundation
import JSON
import PaymentModel
import Postgres

/// The confirm loop's and the reorg watcher's statements: complete, fail, flag, re-check.
extension PaymentQueue {
    // MARK: Confirmation

    /// Completes payments and creates their mint jobs in the same transaction. A completed
    /// payment being restored after a reorg is re-pointed at the settlement found (its mint
    /// jobs exist already and are left as they are); so is one whose settlement was lost, when
    /// the failure watch finds a pair that pays it after all (its jobs then wait again:
    /// `MintQueue.requeueLost`). A failed payment the watch finds paid is completed.
    ///
    /// One pair of logs pays one payment: a settlement whose (transaction, log index) already
    /// pays another payment is skipped here, and the unique index on the pair refuses it even
    /// from a concurrent writer. A legacy settlement without a log index keeps the older rule:
    /// one transaction completes one payment.
    public static func complete(_ settlements: [PaymentSettlement], on conn: PostgresConnection) throws(StoreError) {
        guard !settlements.isEmpty else { return }
        try StoreError.wrap {
            try conn.transaction { tx in
                let results = try settlements.map { try JSONText.string($0.result) }
                let updated = try tx.query("""
                    UPDATE payment_queue p
                    SET status = 'completed', tx_hash = u.tx_hash, confirmed_block = u.block, confirmed_block_hash = u.block_hash,
                        settlement_log_index = u.log_index, result = u.result::jsonb, error = NULL, finalized = false,
                        reorged_at = NULL, settlement_lost = NULL, next_attempt_at = NULL, transient_failures = 0,
                        processed_at = CASE WHEN p.status = 'completed' THEN p.processed_at ELSE now() END, updated_at = now()
                    FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::text[])
                         AS u(id, tx_hash, block, block_hash, log_index, result)
                    WHERE p.id = u.id
                      AND (p.status <> 'completed' OR p.reorged_at IS NOT NULL)
                      AND (u.log_index IS NULL
                           OR NOT EXISTS (SELECT 1 FROM payment_queue q
                                          WHERE lower(q.tx_hash) = lower(u.tx_hash) AND q.settlement_log_index = u.log_index
                                            AND q.id <> u.id))
                      AND (u.log_index IS NOT NULL
                           OR NOT EXISTS (SELECT 1 FROM payment_queue q
                                          WHERE q.tx_hash = u.tx_hash AND q.id <> u.id AND q.status = 'completed'))
                    RETURNING p.id::text AS id
                    """, [
                        PostgresArrayLiteral.encode(settlements.map(\.paymentID)),
                        PostgresArrayLiteral.encode(settlements.map(\.txHash.hex)),
                        PostgresArrayLiteral.encode(settlements.map { String($0.blockNumber) }),
                        PostgresArrayLiteral.encode(settlements.map(\.blockHash.hex)),
                        PostgresArrayLiteral.encode(settlements.map { $0.logIndex.map(String.init) }),
                        PostgresArrayLiteral.encode(results),
                    ])
                // Only payments this statement completed get mints (a re-pointed one has them, and
                // a replayed tick creates nothing: the jobs are unique per payment and item).
                let completed = Set(try updated.rows.map { try $0.string("id") })
                let jobs = settlements.filter { completed.contains($0.paymentID) }.flatMap(\.mints)
                try MintQueue.insert(jobs, on: tx)
            }
        }
    }

    /// Marks payments the chain proved can no longer settle. `releaseNonce` is true when no
    /// transaction of the payment was mined or is pending, so its nonce may be used again;
    /// `block` is the reverted receipt's block, re-checked until final.
    public static func markConfirmationFailed(_ failures: [(id: String, error: String, releaseNonce: Bool, block: RecordedBlock?)],
                                              on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = 'confirmation_failed', error = u.error, processed_at = now(), updated_at = now(), watch_closed_at = NULL,
                    nonce = CASE WHEN u.release THEN NULL ELSE p.nonce END,
                    confirmed_block = u.block, confirmed_block_hash = u.block_hash, finalized = false
                FROM unnest($1::uuid[], $2::text[], $3::bool[], $4::bigint[], $5::text[]) AS u(id, error, release, block, block_hash)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing', 'sent')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error)),
                      PostgresArrayLiteral.encode(failures.map { $0.releaseNonce ? "t" : "f" }),
                      PostgresArrayLiteral.encode(failures.map { $0.block.map { String($0.number) } }),
                      PostgresArrayLiteral.encode(failures.map { $0.block?.hash.hex })])
        }
    }

    // MARK: Reorgs

    /// Every payment the confirmer watches: `sent` ones, and completed ones whose settlement a
    /// reorg removed and that are being restored from bytes of ours (a restoring payment with
    /// none is the send loop's alone, `claimPending`: two loops deciding about one row signed it
    /// twice). Oldest first.
    public static func unsettled(on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            try RowBatch.read(try conn.query("""
                \(select) WHERE status = 'sent' OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL AND raw_tx IS NOT NULL)
                ORDER BY sent_at NULLS FIRST, processed_at
                """).rows, PaymentRow.init(row:))
        }
    }

    /// The distinct (block, hash) pairs that settled payments (or reverted them) and are not yet
    /// final: what the reorg watcher compares with the canonical chain.
    public static func unfinalizedBlocks(on conn: PostgresConnection) throws(StoreError) -> [RecordedBlock] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT confirmed_block, confirmed_block_hash FROM payment_queue
                WHERE NOT finalized AND confirmed_block IS NOT NULL AND status IN ('completed', 'confirmation_failed')
                """).rows.map { try RecordedBlock(row: $0, table: "payment_queue") }
        }
    }

    /// The distinct (block, hash) pairs already final from `block` on (newest first, at most
    /// `limit`): what the reorg watcher checks again when a reorg reached below finality.
    public static func finalizedBlocks(from block: UInt64, limit: Int = 5_000, on conn: PostgresConnection) throws(StoreError) -> [RecordedBlock] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT confirmed_block, confirmed_block_hash FROM payment_queue
                WHERE finalized AND confirmed_block >= $1 AND status IN ('completed', 'confirmation_failed')
                ORDER BY confirmed_block DESC LIMIT $2
                """, [String(block), String(limit)]).rows.map { try RecordedBlock(row: $0, table: "payment_queue") }
        }
    }

    /// The settlements (and reverted receipts) in these blocks are final: no more re-checks.
    public static func finalize(_ blocks: [RecordedBlock], on conn: PostgresConnection) throws(StoreError) {
        guard !blocks.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p SET finalized = true
                FROM unnest($1::bigint[], $2::text[]) AS b(block, hash)
                WHERE p.confirmed_block = b.block AND p.confirmed_block_hash = b.hash AND NOT p.finalized
                  AND p.status IN ('completed', 'confirmation_failed')
                """, [PostgresArrayLiteral.encode(blocks.map { String($0.number) }), PostgresArrayLiteral.encode(blocks.map(\.hash.hex))])
        }
    }

    /// These blocks are no longer on the chain. A completed payment settled in one is flagged
    /// for restoring (it stays completed: its tokens may be minted); a payment failed by a
    /// reverted receipt in one goes back to `sent`, since the proof of its failure is gone.
    /// Returns the ids of the payments touched.
    public static func orphan(_ blocks: [RecordedBlock], on conn: PostgresConnection) throws(StoreError) -> (restoring: [String], reopened: [String]) {
        guard !blocks.isEmpty else { return ([], []) }
        return try StoreError.wrap {
            try conn.transaction { tx in
                let numbers = PostgresArrayLiteral.encode(blocks.map { String($0.number) })
                let hashes = PostgresArrayLiteral.encode(blocks.map(\.hash.hex))
                let restoring = try tx.query("""
                    UPDATE payment_queue p
                    SET reorged_at = now(), confirmed_block = NULL, confirmed_block_hash = NULL, settlement_log_index = NULL,
                        error = 'settlement block ' || b.block || ' was reorged out; restoring the settlement', updated_at = now()
                    FROM unnest($1::bigint[], $2::text[]) AS b(block, hash)
                    WHERE p.status = 'completed' AND p.confirmed_block = b.block AND p.confirmed_block_hash = b.hash
                    RETURNING p.id::text AS id
                    """, [numbers, hashes]).rows.map { try $0.string("id") }
                let reopened = try tx.query("""
                    UPDATE payment_queue p
                    SET status = 'sent', confirmed_block = NULL, confirmed_block_hash = NULL, sent_at = coalesce(p.sent_at, now()),
                        error = 'the reverted receipt (block ' || b.block || ') was reorged out; checking again', updated_at = now()
                    FROM unnest($1::bigint[], $2::text[]) AS b(block, hash)
                    WHERE p.status = 'confirmation_failed' AND p.confirmed_block = b.block AND p.confirmed_block_hash = b.hash
                    RETURNING p.id::text AS id
                    """, [numbers, hashes]).rows.map { try $0.string("id") }
                return (restoring, reopened)
            }
        }
    }

    /// Completed payments whose settlement could not be restored after a reorg: they stay
    /// completed (tokens cannot be un-minted), flagged with the reason for operators.
    public static func markSettlementLost(_ items: [(id: String, reason: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !items.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                WITH lost AS (
                    UPDATE payment_queue p SET settlement_lost = u.reason, error = 'settlement lost: ' || u.reason, updated_at = now(),
                        watch_closed_at = NULL
                    FROM unnest($1::uuid[], $2::text[]) AS u(id, reason)
                    WHERE p.id = u.id AND p.status = 'completed' AND p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL
                    RETURNING p.id
                )
                UPDATE mint_queue m SET status = 'failed', error_message = 'not minted: the payment''s settlement was lost in a reorg',
                    updated_at = now()
                FROM lost WHERE m.payment_id = lost.id AND m.status = 'pending'
                """, [PostgresArrayLiteral.encode(items.map(\.id)), PostgresArrayLiteral.encode(items.map(\.reason))])
        }
    }
}
