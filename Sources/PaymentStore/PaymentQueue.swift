import Foundation
import JSON
import PaymentModel
import Postgres

/// A validated payment, ready to be queued.
public struct NewPayment: Sendable, Hashable {
    public var type: PaymentType
    public var tokenAddress: String?
    public var authorization: AuthorizationPayload
    public var payer: String
    public var amount: String
    public var paymentTokenAddress: String
    public var metadata: JSONValue?
    public var idempotencyKey: String?
    /// Lowercase 0x-hex EIP-3009 nonce.
    public var authNonce: String
    /// Decimal unix seconds.
    public var validBefore: String

    public init(type: PaymentType, tokenAddress: String?, authorization: AuthorizationPayload, payer: String, amount: String,
                paymentTokenAddress: String, metadata: JSONValue?, idempotencyKey: String?, authNonce: String, validBefore: String) {
        self.type = type
        self.tokenAddress = tokenAddress
        self.authorization = authorization
        self.payer = payer
        self.amount = amount
        self.paymentTokenAddress = paymentTokenAddress
        self.metadata = metadata
        self.idempotencyKey = idempotencyKey
        self.authNonce = authNonce
        self.validBefore = validBefore
    }
}

/// What happened to an insert.
public enum InsertOutcome: Sendable, Hashable {
    case inserted(PaymentRow)
    /// The idempotency key already names this payment.
    case existingKey(PaymentRow)
    /// The same authorization is already queued under another (or no) key.
    case duplicateAuthorization(PaymentRow)
    /// The payer has `count` unsettled payments already.
    case tooManyPending(count: Int)
}

/// A transaction signed for a payment, to be recorded before it is broadcast.
public struct SignedPaymentTransaction: Sendable, Hashable {
    public var paymentID: String
    public var signer: String
    public var nonce: Int64
    public var rawTx: String
    public var attempt: TransactionAttempt

    public init(paymentID: String, signer: String, nonce: Int64, rawTx: String, attempt: TransactionAttempt) {
        self.paymentID = paymentID
        self.signer = signer
        self.nonce = nonce
        self.rawTx = rawTx
        self.attempt = attempt
    }
}

/// How a payment settled.
public struct PaymentSettlement: Sendable, Hashable {
    public var paymentID: String
    public var txHash: String
    public var blockNumber: Int64
    public var blockHash: String
    /// Stored in `result`: e.g. `{"settled_by": "front_run"}` when another account's
    /// transaction used the authorization.
    public var result: JSONValue
    public var mints: [NewMintJob]

    public init(paymentID: String, txHash: String, blockNumber: Int64, blockHash: String, result: JSONValue, mints: [NewMintJob]) {
        self.paymentID = paymentID
        self.txHash = txHash
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.result = result
        self.mints = mints
    }
}

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
                try tx.query("SELECT pg_advisory_xact_lock(hashtext(lower($1)))", [payment.payer])
                let unsettled = try tx.query("""
                    SELECT count(*) AS n FROM payment_queue
                    WHERE lower(payer) = lower($1) AND status IN ('pending', 'processing', 'sent')
                    """, [payment.payer]).first!.int64("n")
                if unsettled >= maxUnsettledPerPayer { return .tooManyPending(count: Int(unsettled)) }
                let authorizationJSON = try JSONText.string(payment.authorization)
                let metadataJSON = try payment.metadata.map { try JSONText.string($0) }
                let inserted = try tx.query("""
                    INSERT INTO payment_queue (payment_type, token_address, "authorization", payer, amount,
                        payment_token_address, metadata, status, idempotency_key, auth_nonce, valid_before)
                    VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, 'pending', $8, $9, $10::numeric)
                    ON CONFLICT DO NOTHING
                    RETURNING \(PaymentRow.columns)
                    """, [payment.type.rawValue, payment.tokenAddress, authorizationJSON, payment.payer, payment.amount,
                          payment.paymentTokenAddress, metadataJSON, payment.idempotencyKey, payment.authNonce, payment.validBefore])
                if let row = inserted.first { return .inserted(try PaymentRow(row: row)) }
                if let key = payment.idempotencyKey, let existing = try byIdempotencyKey(key, on: tx) {
                    return .existingKey(existing)
                }
                let rows = try tx.query("""
                    \(select) WHERE lower(payment_token_address) = lower($1) AND lower(payer) = lower($2) AND auth_nonce = $3
                    """, [payment.paymentTokenAddress, payment.payer, payment.authNonce])
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

    /// Newest first.
    public static func list(status: PaymentStatus?, payer: String?, limit: Int, on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("""
                \(select) WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR lower(payer) = lower($2))
                ORDER BY created_at DESC LIMIT $3
                """, [status?.rawValue, payer, String(limit)]).rows.map { try PaymentRow(row: $0) }
        }
    }

    // MARK: Send loop

    /// Locks up to `limit` pending payments, oldest first, skipping rows another transaction
    /// holds. Must run inside a transaction; the rows stay locked until it ends.
    public static func claimPending(limit: Int, on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("""
                \(select) WHERE status = 'pending' ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [String(limit)]).rows.map { try PaymentRow(row: $0) }
        }
    }

    /// Records signed transactions (status `processing`) before anything is broadcast.
    public static func recordSigned(_ signed: [SignedPaymentTransaction], on conn: PostgresConnection) throws(StoreError) {
        guard !signed.isEmpty else { return }
        try StoreError.wrap {
            let attempts = try signed.map { try JSONText.string([$0.attempt]) }
            let updated = try conn.query("""
                UPDATE payment_queue p
                SET status = 'processing', signer = u.signer, nonce = u.nonce, raw_tx = u.raw_tx, tx_hash = u.tx_hash,
                    attempts = p.attempts || u.attempt::jsonb, error = NULL, updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
                     AS u(id, signer, nonce, raw_tx, tx_hash, attempt)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing')
                """, [
                    PostgresArrayLiteral.encode(signed.map(\.paymentID)),
                    PostgresArrayLiteral.encode(signed.map(\.signer)),
                    PostgresArrayLiteral.encode(signed.map { String($0.nonce) }),
                    PostgresArrayLiteral.encode(signed.map(\.rawTx)),
                    PostgresArrayLiteral.encode(signed.map(\.attempt.hash)),
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
                WHERE id = $1::uuid AND nonce = $5 AND status = 'sent'
                """, [signed.paymentID, signed.rawTx, signed.attempt.hash, try JSONText.string([signed.attempt]), String(signed.nonce)])
        }
    }

    /// Marks broadcast payments `sent`.
    public static func markSent(_ ids: [String], on conn: PostgresConnection) throws(StoreError) {
        guard !ids.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue SET status = 'sent', sent_at = coalesce(sent_at, now()), processed_at = now(), updated_at = now()
                WHERE id = ANY($1::uuid[]) AND status = 'processing'
                """, [PostgresArrayLiteral.encode(ids)])
        }
    }

    /// Fails payments that never reached the chain and releases their nonces.
    public static func markFailed(_ failures: [(id: String, error: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p SET status = 'failed', error = u.error, nonce = NULL, processed_at = now(), updated_at = now()
                FROM unnest($1::uuid[], $2::text[]) AS u(id, error)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error))])
        }
    }

    /// Puts payments back to `pending` with their nonce released, keeping their attempt history
    /// (used when their nonce was taken by something else, or their signer is paused).
    public static func returnToPending(_ items: [(id: String, reason: String)], on conn: PostgresConnection) throws(StoreError) {
        guard !items.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = 'pending', signer = NULL, nonce = NULL, raw_tx = NULL, tx_hash = NULL, sent_at = NULL,
                    error = u.reason, updated_at = now()
                FROM unnest($1::uuid[], $2::text[]) AS u(id, reason)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing', 'sent', 'failed', 'confirmation_failed')
                """, [PostgresArrayLiteral.encode(items.map(\.id)), PostgresArrayLiteral.encode(items.map(\.reason))])
        }
    }

    /// Rows signed but maybe not broadcast (`processing` with stored bytes), by signer and nonce.
    public static func processing(on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("\(select) WHERE status = 'processing' ORDER BY signer, nonce").rows.map { try PaymentRow(row: $0) }
        }
    }

    /// Every payment waiting for its receipt, oldest first.
    public static func sent(on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("\(select) WHERE status = 'sent' ORDER BY sent_at NULLS FIRST, processed_at").rows.map { try PaymentRow(row: $0) }
        }
    }

    /// The highest nonce any payment holds for `signer`, if any.
    public static func highestNonce(signer: String, on conn: PostgresConnection) throws(StoreError) -> Int64? {
        try StoreError.wrap {
            try conn.query("SELECT max(nonce) AS n FROM payment_queue WHERE lower(signer) = lower($1)", [signer]).first?.optionalInt64("n")
        }
    }

    /// Nonces of `signer` held by unsettled payments.
    public static func heldNonces(signer: String, on conn: PostgresConnection) throws(StoreError) -> [Int64] {
        try StoreError.wrap {
            try conn.query("""
                SELECT nonce FROM payment_queue WHERE lower(signer) = lower($1) AND nonce IS NOT NULL
                AND status IN ('processing', 'sent') ORDER BY nonce
                """, [signer]).rows.map { try $0.int64("nonce") }
        }
    }

    // MARK: Confirmation

    /// Completes payments and creates their mint jobs in the same transaction.
    public static func complete(_ settlements: [PaymentSettlement], on conn: PostgresConnection) throws(StoreError) {
        guard !settlements.isEmpty else { return }
        try StoreError.wrap {
            try conn.transaction { tx in
                let results = try settlements.map { try JSONText.string($0.result) }
                let updated = try tx.query("""
                    UPDATE payment_queue p
                    SET status = 'completed', tx_hash = u.tx_hash, confirmed_block = u.block, confirmed_block_hash = u.block_hash,
                        result = u.result::jsonb, error = NULL, processed_at = now(), updated_at = now()
                    FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(id, tx_hash, block, block_hash, result)
                    WHERE p.id = u.id AND p.status <> 'completed'
                      AND NOT EXISTS (SELECT 1 FROM payment_queue q
                                      WHERE q.tx_hash = u.tx_hash AND q.id <> u.id AND q.status = 'completed')
                    RETURNING p.id::text AS id
                    """, [
                        PostgresArrayLiteral.encode(settlements.map(\.paymentID)),
                        PostgresArrayLiteral.encode(settlements.map(\.txHash)),
                        PostgresArrayLiteral.encode(settlements.map { String($0.blockNumber) }),
                        PostgresArrayLiteral.encode(settlements.map(\.blockHash)),
                        PostgresArrayLiteral.encode(results),
                    ])
                // Only payments this statement completed get mints: a second completion of the
                // same payment (a replayed tick) creates nothing.
                let completed = Set(try updated.rows.map { try $0.string("id") })
                let jobs = settlements.filter { completed.contains($0.paymentID) }.flatMap(\.mints)
                try MintQueue.insert(jobs, on: tx)
            }
        }
    }

    /// Marks payments the chain proved can no longer settle. `releaseNonce` is true when no
    /// transaction of the payment was mined, so its nonce may be used again.
    public static func markConfirmationFailed(_ failures: [(id: String, error: String, releaseNonce: Bool)], on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = 'confirmation_failed', error = u.error, processed_at = now(), updated_at = now(),
                    nonce = CASE WHEN u.release THEN NULL ELSE p.nonce END
                FROM unnest($1::uuid[], $2::text[], $3::bool[]) AS u(id, error, release)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing', 'sent')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error)),
                      PostgresArrayLiteral.encode(failures.map { $0.releaseNonce ? "t" : "f" })])
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
