import Ethereum
import Foundation
import JSON
import PaymentModel
import Postgres

/// Every statement on `payment_queue`. The engine never writes SQL of its own.
///
/// Functions take the connection they run on, so the caller decides what shares a
/// transaction (claiming and recording signed bytes must; a status lookup need not).
public enum PaymentQueue {
    static let select = "SELECT \(PaymentRow.columns) FROM payment_queue"

    // MARK: Enqueue

    /// Queues a payment unless its idempotency key or its authorization is already known, or
    /// its payer has too many unsettled payments. Runs in its own transaction.
    public static func insert(_ payment: NewPayment, maxUnsettledPerPayer: Int, on conn: PostgresConnection) throws(StoreError) -> InsertOutcome {
        try StoreError.wrap {
            try conn.transaction { tx in
                if let key = payment.idempotencyKey, let existing = try byIdempotencyKey(key, on: tx) {
                    return .existingKey(existing)
                }
                let payer = payment.payer.checksummed
                try tx.query("SELECT pg_advisory_xact_lock(hashtext(lower($1)))", [payer])
                let unsettled = try tx.query("""
                    SELECT count(*) AS n FROM payment_queue
                    WHERE lower(payer) = lower($1) AND status IN ('pending', 'processing', 'sent')
                    """, [payer]).first!.int64("n")
                if unsettled >= maxUnsettledPerPayer { return .tooManyPending(count: Int(unsettled)) }
                let authorizationJSON = try JSONText.string(payment.authorization)
                let metadataJSON = try payment.metadata.map { try JSONText.string($0) }
                let inserted = try tx.query("""
                    INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount,
                        payment_token_address, metadata, status, idempotency_key, auth_nonce, valid_before, enqueued_block)
                    VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, 'pending', $8, $9, $10::numeric, $11::bigint)
                    ON CONFLICT DO NOTHING
                    RETURNING \(PaymentRow.columns)
                    """, [payment.type.rawValue, payment.token?.checksummed, authorizationJSON, payer, payment.amount.description,
                          payment.paymentToken.checksummed, metadataJSON, payment.idempotencyKey, payment.transfer.nonce.hex,
                          payment.transfer.validBefore.description, payment.enqueuedBlock.map(String.init)])
                if let row = inserted.first { return .inserted(try PaymentRow(row: row)) }
                if let key = payment.idempotencyKey, let existing = try byIdempotencyKey(key, on: tx) {
                    return .existingKey(existing)
                }
                let rows = try tx.query("""
                    \(select) WHERE lower(payment_token_address) = lower($1) AND lower(payer) = lower($2) AND auth_nonce = $3
                    """, [payment.paymentToken.checksummed, payer, payment.transfer.nonce.hex])
                guard let row = rows.first else {
                    throw StoreError.corruptRow(table: "payment_queue", id: "?", reason: "insert conflicted but no conflicting row was found")
                }
                return .duplicateAuthorization(try PaymentRow(row: row))
            }
        }
    }

    public static func byIdempotencyKey(_ key: String, on conn: PostgresConnection) throws(StoreError) -> PaymentRow? {
        try StoreError.wrap {
            try conn.query("\(select) WHERE idempotency_key = $1", [key]).first.map { try PaymentRow(row: $0) }
        }
    }

    public static func byID(_ id: String, on conn: PostgresConnection) throws(StoreError) -> PaymentRow? {
        try StoreError.wrap {
            try conn.query("\(select) WHERE id = $1::uuid", [id]).first.map { try PaymentRow(row: $0) }
        }
    }

    /// Newest first. `olderThanSeconds`: created at least that long ago; `settlementLost`: only
    /// completed payments whose settlement a reorg took and nothing could restore.
    public static func list(status: PaymentStatus?, payer: String?, olderThanSeconds: Double? = nil, settlementLost: Bool = false, limit: Int,
                            on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            let rows = try conn.query("""
                \(select) WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR lower(payer) = lower($2))
                  AND ($4::float8 IS NULL OR created_at <= now() - make_interval(secs => $4::float8))
                  AND (NOT $5::bool OR settlement_lost IS NOT NULL)
                ORDER BY created_at DESC LIMIT $3
                """, [status?.rawValue, payer, String(limit), olderThanSeconds.map { String($0) }, settlementLost ? "true" : "false"])
            return try RowBatch.read(rows.rows, PaymentRow.init(row:))
        }
    }

    // MARK: Operator actions

    /// Fails a pending payment on an operator's request; returns whether it was pending.
    public static func cancel(id: String, on conn: PostgresConnection) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET status = 'failed', error = 'cancelled by operator', processed_at = now(), updated_at = now()
                WHERE id = $1::uuid AND status = 'pending'
                """, [id]).affectedRows == 1
        }
    }
}
