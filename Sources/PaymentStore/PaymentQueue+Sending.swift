import Ethereum
import Foundation
import JSON
import PaymentModel
import Postgres

/// The send loop's statements: claim, record signed bytes before broadcast, file the node's answers.
extension PaymentQueue {
    // MARK: Send loop

    /// Locks up to `limit` payments to sign, skipping rows another transaction holds: completed
    /// payments being restored after a reorg with nothing of theirs to broadcast first (they
    /// were paid for, maybe minted), then pending ones whose backoff is over: those a caller waits
    /// on for a hash (`sign_first`) first, then oldest first.
    /// Must run inside a transaction; the rows stay locked until it ends.
    public static func claimPending(limit: Int, on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            let rows = try conn.query("""
                \(select)
                WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
                   OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL AND raw_tx IS NULL
                       AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
                ORDER BY (status = 'completed') DESC, sign_first DESC, created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [String(limit)])
            return try RowBatch.read(rows.rows, PaymentRow.init(row:))
        }
    }

    /// Payments refused for a reason that may pass (the payer's balance short at simulation, a
    /// node answer naming no known fault) wait and are claimed again after a backoff that
    /// doubles from 5 s to 5 min; the authorization's own deadline ends the retries (its
    /// simulation then says expired). Their nonces were never used.
    public static func deferTransient(_ items: [(id: String, reason: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !items.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = CASE WHEN p.status = 'completed' THEN 'completed' ELSE 'pending' END,
                    signer = NULL, nonce = NULL, raw_tx = NULL,
                    tx_hash = CASE WHEN p.status = 'completed' THEN p.tx_hash ELSE NULL END,
                    transient_failures = p.transient_failures + 1,
                    next_attempt_at = now() + least(interval '5 minutes', interval '5 seconds' * power(2, least(p.transient_failures, 10))),
                    error = u.reason || ' (attempt ' || (p.transient_failures + 1) || '; tried again later, until the authorization expires)',
                    updated_at = now()
                FROM unnest($1::uuid[], $2::text[]) AS u(id, reason)
                WHERE p.id = u.id
                  AND (p.status IN ('pending', 'processing') OR (p.status = 'completed' AND p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL))
                """, [PostgresArrayLiteral.encode(items.map(\.id)), PostgresArrayLiteral.encode(items.map(\.reason))])
        }
    }

    /// Claimed payments left pending because they wait on the chain (a window not open yet, a
    /// use not visible or not deep enough): claimed again after `seconds`, so that they do not
    /// fill every batch ahead of newer payments. Nothing else about them changes.
    public static func postpone(_ ids: [String], seconds: Double, on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET next_attempt_at = now() + make_interval(secs => $2::float8)
                WHERE id = ANY($1::uuid[])
                  AND (status = 'pending' OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL AND raw_tx IS NULL))
                """, [PostgresArrayLiteral.encode(ids), String(seconds)])
        }
    }

    /// Records signed transactions (status `processing`) before anything is broadcast.
    public static func recordSigned(_ signed: [SignedPaymentTransaction], on conn: PostgresConnection) throws(StoreError) {
        guard !signed.isEmpty else { return }
        try StoreError.wrap {
            let attempts = try signed.map { try JSONText.string([$0.attempt]) }
            let updated = try conn.query("""
                UPDATE payment_queue p
                SET status = CASE WHEN p.status = 'completed' THEN 'completed' ELSE 'processing' END,
                    signer = u.signer, nonce = u.nonce, raw_tx = u.raw_tx, tx_hash = u.tx_hash,
                    attempts = p.attempts || u.attempt::jsonb, error = CASE WHEN p.status = 'completed' THEN p.error END,
                    next_attempt_at = NULL, updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
                     AS u(id, signer, nonce, raw_tx, tx_hash, attempt)
                WHERE p.id = u.id
                  AND (p.status IN ('pending', 'processing') OR (p.status = 'completed' AND p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL))
                """, [
                    PostgresArrayLiteral.encode(signed.map(\.paymentID)),
                    PostgresArrayLiteral.encode(signed.map(\.signer.checksummed)),
                    PostgresArrayLiteral.encode(signed.map { String($0.nonce) }),
                    PostgresArrayLiteral.encode(signed.map { Hex.encode($0.rawTx) }),
                    PostgresArrayLiteral.encode(signed.map(\.attempt.hash.hex)),
                    PostgresArrayLiteral.encode(attempts),
                ])
            guard updated.affectedRows == signed.count else {
                throw StoreError.corruptRow(table: "payment_queue", id: "?", reason: "recorded \(updated.affectedRows) of \(signed.count) signed transactions")
            }
        }
    }

    /// Replaces a payment's current transaction with a re-signed one (fee bump), keeping its nonce.
    public static func recordReplacement(_ signed: SignedPaymentTransaction, on conn: PostgresConnection) throws(StoreError) {
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET raw_tx = $2, tx_hash = $3, attempts = attempts || $4::jsonb, updated_at = now()
                WHERE id = $1::uuid AND nonce = $5
                  AND (status = 'sent' OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL))
                """, [signed.paymentID, Hex.encode(signed.rawTx), signed.attempt.hash.hex, try JSONText.string([signed.attempt]), String(signed.nonce)])
        }
    }

    /// Marks broadcast payments `sent` (a completed payment being restored stays completed,
    /// with its broadcast time noted).
    public static func markSent(_ ids: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET status = 'sent', sent_at = coalesce(sent_at, now()), processed_at = now(), updated_at = now()
                WHERE id = ANY($1::uuid[]) AND status = 'processing'
                """, [PostgresArrayLiteral.encode(ids)])
            try conn.query("""
                UPDATE payment_queue SET sent_at = now(), updated_at = now()
                WHERE id = ANY($1::uuid[]) AND status = 'completed' AND reorged_at IS NOT NULL
                """, [PostgresArrayLiteral.encode(ids)])
        }
    }

    /// Fails payments that never reached the chain and releases their nonces.
    public static func markFailed(_ failures: [(id: String, error: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p SET status = 'failed', error = u.error, nonce = NULL, processed_at = now(), updated_at = now(),
                    watch_closed_at = NULL
                FROM unnest($1::uuid[], $2::text[]) AS u(id, error)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error))])
        }
    }

    /// Puts payments back to `pending` with their nonce released, keeping their attempt history
    /// (used when their nonce was taken by something else, or their signer is paused). A
    /// completed payment being restored stays completed and is signed anew the same way.
    public static func returnToPending(_ items: [(id: String, reason: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !items.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = CASE WHEN p.status = 'completed' THEN 'completed' ELSE 'pending' END,
                    signer = NULL, nonce = NULL, raw_tx = NULL, sent_at = NULL,
                    tx_hash = CASE WHEN p.status = 'completed' THEN p.tx_hash ELSE NULL END,
                    error = u.reason, updated_at = now()
                FROM unnest($1::uuid[], $2::text[]) AS u(id, reason)
                WHERE p.id = u.id
                  AND (p.status IN ('pending', 'processing', 'sent', 'failed', 'confirmation_failed')
                       OR (p.status = 'completed' AND p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL))
                """, [PostgresArrayLiteral.encode(items.map(\.id)), PostgresArrayLiteral.encode(items.map(\.reason))])
        }
    }

    /// Rows signed but maybe not broadcast (`processing` with stored bytes), by signer and nonce.
    public static func processing(on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            try RowBatch.read(try conn.query("\(select) WHERE status = 'processing' ORDER BY signer, nonce").rows, PaymentRow.init(row:))
        }
    }
}
