import Foundation
import Postgres

/// The statements of the failure watch: failed payments (and lost settlements) whose
/// authorization the chain may still settle stay watched until it can no longer change them.
extension PaymentQueue {
    /// The watched rows: `failed` and `confirmation_failed` payments and completed ones whose
    /// settlement was lost, not yet closed; the longest-unlooked-at first, at most `limit`.
    public static func watchedFailures(limit: Int, on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            try RowBatch.read(try conn.query("""
                \(select)
                WHERE watch_closed_at IS NULL
                  AND (status IN ('failed', 'confirmation_failed') OR (status = 'completed' AND settlement_lost IS NOT NULL))
                ORDER BY processed_at NULLS FIRST, id LIMIT $1
                """, [String(limit)]).rows, PaymentRow.init(row:))
        }
    }

    /// The chain can no longer change these failed payments (their authorization expired or was
    /// spent elsewhere, in a final block): they are no longer watched.
    public static func closeWatch(_ ids: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET watch_closed_at = now(), updated_at = now()
                WHERE id = ANY($1::uuid[]) AND watch_closed_at IS NULL
                  AND (status IN ('failed', 'confirmation_failed') OR (status = 'completed' AND settlement_lost IS NOT NULL))
                """, [PostgresArrayLiteral.encode(ids)])
        }
    }

    /// Lost settlements whose proof of loss is gone (the block that spent the nonce elsewhere
    /// was reorged out, and the authorization is unused and unexpired again): they are restored
    /// again like any reorged-out settlement, and their mint jobs, failed for the loss, wait
    /// for it (the mint loop mints only for settled payments).
    public static func reopenLost(_ ids: [String], on conn: PostgresConnection) throws(StoreError) -> [String] {
        guard !ids.isEmpty else { return [] }
        return try StoreError.wrap {
            try conn.transaction { tx in
                let reopened = try tx.query("""
                    UPDATE payment_queue
                    SET settlement_lost = NULL, reorged_at = coalesce(reorged_at, now()), next_attempt_at = NULL,
                        error = 'the proof that the settlement was lost is gone (reorged out); restoring the settlement', updated_at = now()
                    WHERE id = ANY($1::uuid[]) AND status = 'completed' AND settlement_lost IS NOT NULL AND watch_closed_at IS NULL
                    RETURNING id::text AS id
                    """, [PostgresArrayLiteral.encode(ids)]).rows.map { try $0.string("id") }
                try MintQueue.requeueLost(paymentIDs: reopened, on: tx)
                return reopened
            }
        }
    }

    /// Signs again payments whose own transaction reverted while the authorization stayed
    /// unused (the bound is `revert_retries`): back to `pending` after a backoff, with a new
    /// nonce (the reverted one is spent) and, when it ran out of gas, a higher `gasLimit`.
    public static func retryAfterRevert(_ items: [(id: String, reason: String, gasLimit: UInt64?)], on conn: PostgresConnection) throws(StoreError) {
        guard !items.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = 'pending', signer = NULL, nonce = NULL, raw_tx = NULL, tx_hash = NULL, sent_at = NULL,
                    revert_retries = p.revert_retries + 1, gas_limit = coalesce(u.gas_limit, p.gas_limit),
                    next_attempt_at = now() + least(interval '5 minutes', interval '5 seconds' * power(2, least(p.revert_retries, 10))),
                    error = u.reason, updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS u(id, reason, gas_limit)
                WHERE p.id = u.id AND p.status = 'sent'
                """, [PostgresArrayLiteral.encode(items.map(\.id)), PostgresArrayLiteral.encode(items.map(\.reason)),
                      PostgresArrayLiteral.encode(items.map { $0.gasLimit.map(String.init) })])
        }
    }
}
