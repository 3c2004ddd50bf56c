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

    /// The rows holding any of `keys`.
    public static func byIdempotencyKeys(_ keys: [String], on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("\(select) WHERE idempotency_key = ANY($1::text[])", [PostgresArrayLiteral.encode(keys)]).rows.map { try PaymentRow(row: $0) }
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
    /// completed payments whose settlement a reorg took and nothing could restore; `refundDue`:
    /// only paid payments with a mint that cannot be made and no refund recorded.
    public static func list(status: PaymentStatus?, payer: String?, olderThanSeconds: Double? = nil, settlementLost: Bool = false,
                            refundDue: Bool = false, nonce: String? = nil, limit: Int, on conn: PostgresConnection) throws(StoreError) -> RowBatch<PaymentRow> {
        try StoreError.wrap {
            let rows = try conn.query("""
                \(select) WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR lower(payer) = lower($2))
                  AND ($4::float8 IS NULL OR created_at <= now() - make_interval(secs => $4::float8))
                  AND (NOT $5::bool OR settlement_lost IS NOT NULL)
                  AND (NOT $6::bool OR \(refundDueCondition("payment_queue")))
                  AND ($7::text IS NULL OR auth_nonce = lower($7))
                ORDER BY created_at DESC LIMIT $3
                """, [status?.rawValue, payer, String(limit), olderThanSeconds.map { String($0) }, settlementLost ? "true" : "false",
                      refundDue ? "true" : "false", nonce])
            return try RowBatch.read(rows.rows, PaymentRow.init(row:))
        }
    }

    // MARK: Operator actions

    /// Fails a pending payment on an operator's request once the chain said it can no longer
    /// settle (`why`); returns whether it was pending. `final`: that proof is final, so the
    /// payment is not watched (else the failure watch follows it until it is).
    public static func cancel(id: String, why: String, final: Bool, on conn: PostgresConnection) throws(StoreError) -> Bool {
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue
                SET status = 'failed', error = 'cancelled by operator: ' || $2, processed_at = now(), updated_at = now(), nonce = NULL,
                    watch_closed_at = CASE WHEN $3::bool THEN now() END
                WHERE id = $1::uuid AND status = 'pending'
                """, [id, why, final ? "true" : "false"]).affectedRows == 1
        }
    }
}
