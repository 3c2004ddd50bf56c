import Ethereum
import Postgres

/// Refunds: a paid payment whose mints cannot be made is refund due until a transfer back to
/// the payer is recorded (migration 016).
extension PaymentQueue {
    /// A payment is refund due when it is paid (completed, its settlement neither lost nor being
    /// restored), one of its mint jobs failed, and no refund is recorded. One sentence, used by
    /// `list`, `stats` and `recordRefund` alike.
    static func refundDueCondition(_ a: String) -> String {
        """
        (\(a).status = 'completed' AND \(a).reorged_at IS NULL AND \(a).settlement_lost IS NULL AND \(a).refund_tx_hash IS NULL
         AND EXISTS (SELECT 1 FROM mint_queue f WHERE f.payment_id = \(a).id AND f.status = 'failed'))
        """
    }

    /// How many payments are refund due.
    public static func refundsDue(on conn: PostgresConnection) throws(StoreError) -> Int {
        try StoreError.wrap {
            Int(try conn.query("""
                SELECT count(*) AS n FROM payment_queue p
                WHERE p.id IN (SELECT payment_id FROM mint_queue WHERE status = 'failed' AND payment_id IS NOT NULL) AND \(refundDueCondition("p"))
                """).first!.int64("n"))
        }
    }

    /// What recording a refund found.
    public enum RefundRecording: Sendable, Equatable {
        case recorded
        /// The payment is no longer refund due (someone else recorded a refund, its mints were retried).
        case notDue
        /// That transaction is already the refund of another payment.
        case transactionTaken(paymentID: String)
    }

    /// The payment whose refund `txHash` is recorded as, if any.
    public static func paymentRefunded(by txHash: Bytes32, on conn: PostgresConnection) throws(StoreError) -> String? {
        try StoreError.wrap {
            try conn.query("SELECT id::text AS id FROM payment_queue WHERE lower(refund_tx_hash) = $1", [txHash.hex]).first?.string("id")
        }
    }

    /// Records `txHash` (which paid the payer `amount`) as the refund of payment `id`, if it is
    /// still refund due and the transaction refunds no other payment.
    public static func recordRefund(id: String, txHash: Bytes32, amount: UInt256, on conn: PostgresConnection) throws(StoreError) -> RefundRecording {
        try StoreError.wrap {
            if let other = try paymentRefunded(by: txHash, on: conn) { return .transactionTaken(paymentID: other) }
            let updated = try conn.query("""
                UPDATE payment_queue p SET refund_tx_hash = $2, refund_amount = $3::numeric, refunded_at = now(), updated_at = now()
                WHERE p.id = $1::uuid AND \(refundDueCondition("p"))
                """, [id, txHash.hex, amount.description]).affectedRows
            return updated == 1 ? .recorded : .notDue
        }
    }
}
