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
    /// The chain head when the authorization was found unused (set by the engine just before
    /// the insert): where a search for its use starts.
    public var enqueuedBlock: Int64?

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

/// A block a stored settlement (or reverted receipt) was mined in.
public struct RecordedBlock: Sendable, Hashable {
    public var number: Int64
    public var hash: String

    public init(number: Int64, hash: String) {
        self.number = number
        self.hash = hash
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
    /// The logIndex of the settling `AuthorizationUsed` log (nil for a legacy row whose
    /// authorization cannot be read: it settles by its own receipt only).
    public var logIndex: Int64?
    /// Stored in `result`: e.g. `{"settled_by": "front_run"}` when another account's
    /// transaction used the authorization.
    public var result: JSONValue
    public var mints: [NewMintJob]

    public init(paymentID: String, txHash: String, blockNumber: Int64, blockHash: String, logIndex: Int64?, result: JSONValue,
                mints: [NewMintJob]) {
        self.paymentID = paymentID
        self.txHash = txHash
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.logIndex = logIndex
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
                        payment_token_address, metadata, status, idempotency_key, auth_nonce, valid_before, enqueued_block)
                    VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, 'pending', $8, $9, $10::numeric, $11::bigint)
                    ON CONFLICT DO NOTHING
                    RETURNING \(PaymentRow.columns)
                    """, [payment.type.rawValue, payment.tokenAddress, authorizationJSON, payment.payer, payment.amount,
                          payment.paymentTokenAddress, metadataJSON, payment.idempotencyKey, payment.authNonce, payment.validBefore,
                          payment.enqueuedBlock.map(String.init)])
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

    /// Newest first. `olderThanSeconds`: created at least that long ago; `settlementLost`: only
    /// completed payments whose settlement a reorg took and nothing could restore.
    public static func list(status: PaymentStatus?, payer: String?, olderThanSeconds: Double? = nil, settlementLost: Bool = false, limit: Int,
                            on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("""
                \(select) WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR lower(payer) = lower($2))
                  AND ($4::float8 IS NULL OR created_at <= now() - make_interval(secs => $4::float8))
                  AND (NOT $5::bool OR settlement_lost IS NOT NULL)
                ORDER BY created_at DESC LIMIT $3
                """, [status?.rawValue, payer, String(limit), olderThanSeconds.map { String($0) }, settlementLost ? "true" : "false"])
                .rows.map { try PaymentRow(row: $0) }
        }
    }

    // MARK: Send loop

    /// Locks up to `limit` payments to sign, skipping rows another transaction holds: completed
    /// payments being restored after a reorg with nothing of theirs to broadcast first (they
    /// were paid for, maybe minted), then pending ones whose backoff is over, oldest first.
    /// Must run inside a transaction; the rows stay locked until it ends.
    public static func claimPending(limit: Int, on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("""
                \(select)
                WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
                   OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL AND raw_tx IS NULL
                       AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
                ORDER BY (status = 'completed') DESC, created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [String(limit)]).rows.map { try PaymentRow(row: $0) }
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
                WHERE id = $1::uuid AND nonce = $5
                  AND (status = 'sent' OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL))
                """, [signed.paymentID, signed.rawTx, signed.attempt.hash, try JSONText.string([signed.attempt]), String(signed.nonce)])
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
                UPDATE payment_queue p SET status = 'failed', error = u.error, nonce = NULL, processed_at = now(), updated_at = now()
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

    // MARK: Confirmation

    /// Completes payments and creates their mint jobs in the same transaction. A completed
    /// payment being restored after a reorg is re-pointed at the settlement found (its mint
    /// jobs exist already and are left as they are).
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
                        reorged_at = NULL, next_attempt_at = NULL, transient_failures = 0,
                        processed_at = CASE WHEN p.status = 'completed' THEN p.processed_at ELSE now() END, updated_at = now()
                    FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::text[])
                         AS u(id, tx_hash, block, block_hash, log_index, result)
                    WHERE p.id = u.id
                      AND (p.status <> 'completed' OR (p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL))
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
                        PostgresArrayLiteral.encode(settlements.map(\.txHash)),
                        PostgresArrayLiteral.encode(settlements.map { String($0.blockNumber) }),
                        PostgresArrayLiteral.encode(settlements.map(\.blockHash)),
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
    public static func markConfirmationFailed(_ failures: [(id: String, error: String, releaseNonce: Bool, block: Int64?, blockHash: String?)],
                                              on conn: PostgresConnection) throws(StoreError) {
        guard !failures.isEmpty else { return }
        try StoreError.wrap {
            try conn.query("""
                UPDATE payment_queue p
                SET status = 'confirmation_failed', error = u.error, processed_at = now(), updated_at = now(),
                    nonce = CASE WHEN u.release THEN NULL ELSE p.nonce END,
                    confirmed_block = u.block, confirmed_block_hash = u.block_hash, finalized = false
                FROM unnest($1::uuid[], $2::text[], $3::bool[], $4::bigint[], $5::text[]) AS u(id, error, release, block, block_hash)
                WHERE p.id = u.id AND p.status IN ('pending', 'processing', 'sent')
                """, [PostgresArrayLiteral.encode(failures.map(\.id)), PostgresArrayLiteral.encode(failures.map(\.error)),
                      PostgresArrayLiteral.encode(failures.map { $0.releaseNonce ? "t" : "f" }),
                      PostgresArrayLiteral.encode(failures.map { $0.block.map(String.init) }),
                      PostgresArrayLiteral.encode(failures.map(\.blockHash))])
        }
    }

    // MARK: Reorgs

    /// Every payment the confirmer watches: `sent` ones, and completed ones whose settlement a
    /// reorg removed and that are being restored. Oldest first.
    public static func unsettled(on conn: PostgresConnection) throws(StoreError) -> [PaymentRow] {
        try StoreError.wrap {
            try conn.query("""
                \(select) WHERE status = 'sent' OR (status = 'completed' AND reorged_at IS NOT NULL AND settlement_lost IS NULL)
                ORDER BY sent_at NULLS FIRST, processed_at
                """).rows.map { try PaymentRow(row: $0) }
        }
    }

    /// The distinct (block, hash) pairs that settled payments (or reverted them) and are not yet
    /// final: what the reorg watcher compares with the canonical chain.
    public static func unfinalizedBlocks(on conn: PostgresConnection) throws(StoreError) -> [RecordedBlock] {
        try StoreError.wrap {
            try conn.query("""
                SELECT DISTINCT confirmed_block, confirmed_block_hash FROM payment_queue
                WHERE NOT finalized AND confirmed_block IS NOT NULL AND status IN ('completed', 'confirmation_failed')
                """).rows.map { RecordedBlock(number: try $0.int64("confirmed_block"), hash: try $0.string("confirmed_block_hash")) }
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
                """, [PostgresArrayLiteral.encode(blocks.map { String($0.number) }), PostgresArrayLiteral.encode(blocks.map(\.hash))])
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
                let hashes = PostgresArrayLiteral.encode(blocks.map(\.hash))
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
                    UPDATE payment_queue p SET settlement_lost = u.reason, error = 'settlement lost: ' || u.reason, updated_at = now()
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

    /// Records a new transaction for a completed payment being restored (signed anew, at a new
    /// nonce, because its settling transaction vanished or its nonce was taken), before it is
    /// broadcast. Its status stays `completed`.
    public static func recordRestoreSigned(_ signed: [SignedPaymentTransaction], on conn: PostgresConnection) throws(StoreError) {
        guard !signed.isEmpty else { return }
        try StoreError.wrap {
            let attempts = try signed.map { try JSONText.string([$0.attempt]) }
            try conn.query("""
                UPDATE payment_queue p
                SET signer = u.signer, nonce = u.nonce, raw_tx = u.raw_tx, tx_hash = u.tx_hash, attempts = p.attempts || u.attempt::jsonb,
                    sent_at = now(), updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
                     AS u(id, signer, nonce, raw_tx, tx_hash, attempt)
                WHERE p.id = u.id AND p.status = 'completed' AND p.reorged_at IS NOT NULL AND p.settlement_lost IS NULL
                """, [
                    PostgresArrayLiteral.encode(signed.map(\.paymentID)),
                    PostgresArrayLiteral.encode(signed.map(\.signer)),
                    PostgresArrayLiteral.encode(signed.map { String($0.nonce) }),
                    PostgresArrayLiteral.encode(signed.map(\.rawTx)),
                    PostgresArrayLiteral.encode(signed.map(\.attempt.hash)),
                    PostgresArrayLiteral.encode(attempts),
                ])
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
