import Ethereum
import Foundation
import JSON
import PaymentModel
import Postgres

/// Every statement on `mint_queue` and `mint_batches`.
public enum MintQueue {
    /// Inserts jobs; a job that already exists (same payment and index, or same dedupe hash) is
    /// left as it is.
    public static func insert(_ jobs: [NewMintJob], on conn: PostgresConnection) throws {
        guard !jobs.isEmpty else { return }
        try conn.query("""
            INSERT INTO mint_queue (payment_id, item_index, payer_address, recipient, token_address, payment_tx_hash,
                                    tx_hash_bytes32, status, payment_type)
            SELECT u.payment_id, u.item_index, u.payer, u.recipient, u.token, u.payment_tx, u.dedupe, 'pending', 'x402'
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS u(payment_id, item_index, payer, recipient, token, payment_tx, dedupe)
            ON CONFLICT DO NOTHING
            """, [
                PostgresArrayLiteral.encode(jobs.map(\.paymentID)),
                PostgresArrayLiteral.encode(jobs.map { String($0.index) }),
                PostgresArrayLiteral.encode(jobs.map(\.payer.checksummed)),
                PostgresArrayLiteral.encode(jobs.map(\.recipient.checksummed)),
                PostgresArrayLiteral.encode(jobs.map(\.token.checksummed)),
                PostgresArrayLiteral.encode(jobs.map(\.paymentTxHash.hex)),
                PostgresArrayLiteral.encode(jobs.map(\.dedupeHash.hex)),
            ])
    }

    /// A payment's jobs, by item.
    public static func jobs(paymentID: String, on conn: PostgresConnection) throws(StoreError) -> [MintJobRow] {
        try StoreError.wrap {
            try conn.query("SELECT \(MintJobRow.columns) FROM mint_queue WHERE payment_id = $1::uuid ORDER BY item_index", [paymentID])
                .rows.map { try MintJobRow(row: $0) }
        }
    }

    /// Locks up to `limit` pending jobs, oldest first, whose payment is settled deep enough:
    /// completed, not being restored after a reorg nor lost, and its settlement block at or
    /// below `settledAtOrBelow` (`mint_confirmations`) or final. Legacy jobs (no payment) are
    /// taken as they are. Must run inside a transaction.
    public static func claimPending(limit: Int, settledAtOrBelow: Int64, on conn: PostgresConnection) throws(StoreError) -> RowBatch<MintJobRow> {
        try StoreError.wrap {
            let rows = try conn.query("""
                SELECT \(MintJobRow.columns("m")) FROM mint_queue m LEFT JOIN payment_queue p ON p.id = m.payment_id
                WHERE m.status = 'pending' AND m.token_address IS NOT NULL
                  AND (m.payment_id IS NULL
                       OR (p.status = 'completed' AND p.reorged_at IS NULL AND p.settlement_lost IS NULL
                           AND (p.finalized OR p.confirmed_block IS NULL OR p.confirmed_block <= $2)))
                ORDER BY m.created_at, m.id LIMIT $1 FOR UPDATE OF m SKIP LOCKED
                """, [String(limit), String(settledAtOrBelow)])
            return try RowBatch.read(rows.rows) { row throws(StoreError) in try StoreError.wrap { try MintJobRow(row: row) } }
        }
    }

    /// Fails jobs that can never be minted as they are (a malformed dedupe hash or recipient, a
    /// token that is not a mint contract), each with its own reason; an operator can requeue
    /// them (`retry_mint`) once the cause is fixed.
    public static func fail(_ failures: [(id: String, error: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue m SET status = 'failed', error_message = u.error, batch_id = NULL, updated_at = now()
                FROM unnest($1::uuid[], $2::text[]) AS u(id, error)
                WHERE m.id = u.id AND m.status IN ('pending', 'processing')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error))])
        }
    }

    /// Puts a payment's failed mint jobs back in the queue (an operator's `retry_mint`), with
    /// their attempt count reset. Returns how many were requeued.
    public static func requeueFailed(paymentID: String, on conn: PostgresConnection) throws(StoreError) -> Int {
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue SET status = 'pending', batch_id = NULL, retry_count = 0, updated_at = now(),
                    error_message = 'requeued by operator'
                WHERE payment_id = $1::uuid AND status = 'failed'
                  AND EXISTS (SELECT 1 FROM payment_queue p WHERE p.id = $1::uuid AND p.status = 'completed' AND p.settlement_lost IS NULL
                              AND p.refund_tx_hash IS NULL)
                """, [paymentID]).affectedRows
        }
    }

    /// The jobs a lost settlement failed (`markSettlementLost`) wait again: the settlement is
    /// being restored, and the mint loop mints only once it is settled.
    public static func requeueLost(paymentIDs: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !paymentIDs.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue SET status = 'pending', batch_id = NULL, updated_at = now(),
                    error_message = 'waiting: the payment''s settlement is being restored'
                WHERE payment_id = ANY($1::uuid[]) AND status = 'failed'
                  AND error_message = 'not minted: the payment''s settlement was lost in a reorg'
                """, [PostgresArrayLiteral.encode(paymentIDs)])
        }
    }

    /// Of these batches, the ones with a job whose payment is not settled on the current chain:
    /// completed but being restored after a reorg, or its settlement lost. Such a batch must not
    /// mine (`MintSender`).
    public static func batchesAwaitingPayment(_ batchIDs: [Int64], on conn: PostgresConnection) throws(StoreError) -> Set<Int64> {
        guard !batchIDs.isEmpty else { return [] }
        return try StoreError.wrap {
            Set(try conn.query("""
                SELECT DISTINCT j.batch_id FROM mint_queue j JOIN payment_queue p ON p.id = j.payment_id
                WHERE j.batch_id = ANY($1::bigint[]) AND (p.status <> 'completed' OR p.reorged_at IS NOT NULL OR p.settlement_lost IS NOT NULL)
                """, [PostgresArrayLiteral.encode(batchIDs.map(String.init))]).rows.map { try $0.int64("batch_id") })
        }
    }

    /// Fails the pending jobs among these whose payment's settlement is lost (as
    /// `PaymentQueue.markSettlementLost` does for the jobs pending when the loss was found).
    public static func failForLostSettlements(jobIDs: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !jobIDs.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue m SET status = 'failed', error_message = 'not minted: the payment''s settlement was lost in a reorg',
                    updated_at = now()
                FROM payment_queue p
                WHERE m.id = ANY($1::uuid[]) AND m.status = 'pending' AND p.id = m.payment_id AND p.settlement_lost IS NOT NULL
                """, [PostgresArrayLiteral.encode(jobIDs)])
        }
    }

    /// Marks jobs minted outside a batch of ours (the contract already has their hash).
    public static func markAlreadyMinted(_ ids: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue SET status = 'completed', batch_id = NULL, processed_at = now(), updated_at = now(),
                    error_message = 'already minted on-chain'
                WHERE id = ANY($1::uuid[]) AND status <> 'completed'
                """, [PostgresArrayLiteral.encode(ids)])
        }
    }

    /// Counts a failed attempt against jobs whose mint would revert; a job that reaches
    /// `maximumAttempts` becomes `failed` (an operator looks at it) instead of being retried.
    public static func recordFailedAttempt(_ failures: [(id: String, error: String)], maximumAttempts: Int,
                                           on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_queue m
                SET retry_count = coalesce(m.retry_count, 0) + 1, error_message = u.error, updated_at = now(),
                    status = CASE WHEN coalesce(m.retry_count, 0) + 1 >= $3 THEN 'failed' ELSE m.status END
                FROM unnest($1::uuid[], $2::text[]) AS u(id, error)
                WHERE m.id = u.id AND m.status = 'pending'
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error)),
                      String(maximumAttempts)])
        }
    }

    /// Records a signed batchMint transaction and attaches its jobs, before broadcast.
    public static func createBatch(token: Address, signer: Address, nonce: UInt64, rawTx: [UInt8], attempt: TransactionAttempt,
                                   jobIDs: [String], on conn: PostgresConnection) throws(StoreError) -> Int64 {
        try StoreError.wrap {
            let id = try conn.query("""
                INSERT INTO mint_batches (token_address, signer, nonce, raw_tx, tx_hash, attempts, status, job_count)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'processing', $7) RETURNING id
                """, [token.checksummed, signer.checksummed, String(nonce), Hex.encode(rawTx), attempt.hash.hex, try JSONText.string([attempt]),
                      String(jobIDs.count)])
                .first!.int64("id")
            try conn.query("""
                UPDATE mint_queue SET status = 'processing', batch_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])
                """, [String(id), PostgresArrayLiteral.encode(jobIDs)])
            return id
        }
    }

    /// Replaces an open batch's current transaction with one re-signed at the same nonce with
    /// higher fees (a fee bump), keeping every earlier attempt: any of them may be the one that mines.
    public static func recordBatchReplacement(id: Int64, nonce: UInt64, rawTx: [UInt8], attempt: TransactionAttempt,
                                              on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_batches SET raw_tx = $2, tx_hash = $3, attempts = attempts || $4::jsonb, updated_at = now()
                WHERE id = $1 AND nonce = $5 AND status = 'sent'
                """, [String(id), Hex.encode(rawTx), attempt.hash.hex, try JSONText.string([attempt]), String(nonce)])
        }
    }

    public static func markBatchSent(_ ids: [Int64], on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_batches SET status = 'sent', sent_at = coalesce(sent_at, now()), updated_at = now()
                WHERE id = ANY($1::bigint[]) AND status = 'processing'
                """, [PostgresArrayLiteral.encode(ids.map(String.init))])
        }
    }

    /// Batches not yet settled, with their jobs.
    public static func openBatches(on conn: PostgresConnection) throws(StoreError) -> RowBatch<MintBatchRow> {
        try StoreError.wrap {
            let rows = try conn.query("""
                SELECT b.id, b.token_address, b.signer, b.nonce, b.raw_tx, b.tx_hash, b.attempts::text AS attempts_json, b.status,
                       extract(epoch FROM b.created_at)::float8 AS created_epoch,
                       coalesce(array_agg(j.id::text ORDER BY j.id) FILTER (WHERE j.id IS NOT NULL), '{}')::text AS job_ids,
                       coalesce(array_agg(j.tx_hash_bytes32 ORDER BY j.id) FILTER (WHERE j.id IS NOT NULL), '{}')::text AS hashes
                FROM mint_batches b LEFT JOIN mint_queue j ON j.batch_id = b.id AND j.status = 'processing'
                WHERE b.status IN ('processing', 'sent')
                GROUP BY b.id ORDER BY b.signer, b.nonce
                """)
            return try RowBatch.read(rows.rows, MintBatchRow.init(row:))
        }
    }

    /// The batch mined successfully: its jobs are completed with its hash.
    public static func completeBatch(id: Int64, txHash: Bytes32, block: RecordedBlock, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.transaction { tx in
                try tx.query("""
                    UPDATE mint_batches SET status = 'completed', tx_hash = $2, confirmed_block = $3, confirmed_block_hash = $4,
                        finalized = false, error = NULL, updated_at = now()
                    WHERE id = $1
                    """, [String(id), txHash.hex, String(block.number), block.hash.hex])
                try tx.query("""
                    UPDATE mint_queue SET status = 'completed', mint_tx_hash = $2, processed_at = now(), updated_at = now(), error_message = NULL
                    WHERE batch_id = $1 AND status = 'processing'
                    """, [String(id), txHash.hex])
            }
        }
    }

    /// The batch reverted or can never mine: jobs whose hash is minted are done, the rest go
    /// back to `pending` for another batch. `nonceConsumed` tells whether the batch's nonce was
    /// used on-chain (a mined revert) or is free again; `block` is where a reverted batch was
    /// mined (re-checked until final: a reorg may undo the revert).
    public static func closeBatch(id: Int64, status: MintBatchStatus, error: String, alreadyMintedJobIDs: [String], nonceConsumed: Bool,
                                  block: RecordedBlock? = nil, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.transaction { tx in
                try tx.query("""
                    UPDATE mint_batches SET status = $2, error = $3, updated_at = now(),
                        nonce = CASE WHEN $4 THEN nonce ELSE NULL END,
                        confirmed_block = $5::bigint, confirmed_block_hash = $6, finalized = false
                    WHERE id = $1
                    """, [String(id), status.rawValue, error, nonceConsumed ? "true" : "false", block.map { String($0.number) }, block?.hash.hex])
                try tx.query("""
                    UPDATE mint_queue SET status = 'completed', processed_at = now(), updated_at = now(),
                        error_message = 'already minted on-chain'
                    WHERE batch_id = $1 AND status = 'processing' AND id = ANY($2::uuid[])
                    """, [String(id), PostgresArrayLiteral.encode(alreadyMintedJobIDs)])
                try tx.query("""
                    UPDATE mint_queue SET status = 'pending', batch_id = NULL, retry_count = coalesce(retry_count, 0) + 1,
                        updated_at = now(), error_message = $2
                    WHERE batch_id = $1 AND status = 'processing'
                    """, [String(id), error])
            }
        }
    }

    // MARK: Reorgs

    /// The distinct (block, hash) pairs of settled batches (mined, succeeded or reverted) not yet final.
    public static func unfinalizedBlocks(on conn: PostgresConnection) throws(StoreError) -> [RecordedBlock] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT confirmed_block, confirmed_block_hash FROM mint_batches
                WHERE NOT finalized AND confirmed_block IS NOT NULL AND status IN ('completed', 'reverted')
                """).rows.map { try RecordedBlock(row: $0, table: "mint_batches") }
        }
    }

    /// The distinct (block, hash) pairs of batches already final from `block` on (newest first).
    public static func finalizedBlocks(from block: UInt64, limit: Int = 5_000, on conn: PostgresConnection) throws(StoreError) -> [RecordedBlock] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT confirmed_block, confirmed_block_hash FROM mint_batches
                WHERE finalized AND confirmed_block >= $1 AND status IN ('completed', 'reverted')
                ORDER BY confirmed_block DESC LIMIT $2
                """, [String(block), String(limit)]).rows.map { try RecordedBlock(row: $0, table: "mint_batches") }
        }
    }

    public static func finalize(_ blocks: [RecordedBlock], on conn: PostgresConnection) throws(StoreError) {
        guard !blocks.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE mint_batches m SET finalized = true
                FROM unnest($1::bigint[], $2::text[]) AS b(block, hash)
                WHERE m.confirmed_block = b.block AND m.confirmed_block_hash = b.hash AND NOT m.finalized
                """, [PostgresArrayLiteral.encode(blocks.map { String($0.number) }), PostgresArrayLiteral.encode(blocks.map(\.hash.hex))])
        }
    }

    /// These blocks are gone: each batch mined in one is open again (`sent`), with the jobs it
    /// had completed back in `processing`, so the mint loop gives the node its recorded bytes
    /// again (its nonce is re-used only by them) and settles it anew, or abandons it and queues
    /// its jobs for another batch. The dedupe hashes keep every job minted once whatever mines.
    /// Returns the ids of the batches reopened.
    public static func orphan(_ blocks: [RecordedBlock], on conn: PostgresConnection) throws(StoreError) -> [Int64] {
        guard !blocks.isEmpty else { return [] }
        return try StoreError.wrap {
            try conn.transaction { tx in
                let reopened = try tx.query("""
                    UPDATE mint_batches m
                    SET status = 'sent', confirmed_block = NULL, confirmed_block_hash = NULL, finalized = false, updated_at = now(),
                        error = 'block ' || b.block || ' was reorged out; settling again'
                    FROM unnest($1::bigint[], $2::text[]) AS b(block, hash)
                    WHERE m.confirmed_block = b.block AND m.confirmed_block_hash = b.hash AND m.status IN ('completed', 'reverted')
                    RETURNING m.id, m.tx_hash
                    """, [PostgresArrayLiteral.encode(blocks.map { String($0.number) }), PostgresArrayLiteral.encode(blocks.map(\.hash.hex))])
                let batches = try reopened.rows.map { (id: try $0.int64("id"), txHash: try $0.text("tx_hash")) }
                try tx.query("""
                    UPDATE mint_queue j SET status = 'processing', mint_tx_hash = NULL, processed_at = NULL, updated_at = now()
                    FROM unnest($1::bigint[], $2::text[]) AS b(id, tx_hash)
                    WHERE j.batch_id = b.id AND j.status = 'completed' AND j.mint_tx_hash = b.tx_hash
                    """, [PostgresArrayLiteral.encode(batches.map { String($0.id) }), PostgresArrayLiteral.encode(batches.map(\.txHash))])
                return batches.map(\.id)
            }
        }
    }

}

/// Reads the text form of a one-dimensional PostgreSQL array of simple values (`{a,b}`).
enum PostgresArrayText {
    static func parse(_ text: String) -> [String] {
        let inner = text.dropFirst().dropLast()
        guard !inner.isEmpty else { return [] }
        return inner.split(separator: ",").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }
}
