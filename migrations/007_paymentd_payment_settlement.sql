-- What exactly-once settlement needs on payment_queue.
--   idempotency_key  the caller's key: the same key always names the same payment
--   auth_nonce       the EIP-3009 nonce (lowercase 0x-hex); with the token and payer it is
--                    unique, so one authorization can never be queued twice
--   valid_before     the authorization's deadline (unix seconds), for expiry decisions in SQL
--   signer, nonce    the hot wallet relaying the payment and the nonce it holds there
--   raw_tx           the signed transaction, written before it is broadcast
--   attempts         every transaction broadcast for the payment: [{hash, max_fee, tip, at}]
--   sent_at, confirmed_block, confirmed_block_hash   settlement facts
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS idempotency_key      text,
    ADD COLUMN IF NOT EXISTS auth_nonce           varchar(66),
    ADD COLUMN IF NOT EXISTS valid_before         numeric(78, 0),
    ADD COLUMN IF NOT EXISTS signer               varchar(42),
    ADD COLUMN IF NOT EXISTS nonce                bigint,
    ADD COLUMN IF NOT EXISTS raw_tx               text,
    ADD COLUMN IF NOT EXISTS attempts             jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN IF NOT EXISTS sent_at              timestamp,
    ADD COLUMN IF NOT EXISTS confirmed_block      bigint,
    ADD COLUMN IF NOT EXISTS confirmed_block_hash varchar(66),
    ADD COLUMN IF NOT EXISTS updated_at           timestamp NOT NULL DEFAULT now();

-- Rows written by the replaced system: carry their authorization nonce and deadline over. It
-- never refused a duplicate authorization, so only one row per authorization gets the key (a
-- completed one first); the others keep auth_nonce NULL and stay readable as they were.
UPDATE payment_queue p
SET auth_nonce = lower(p."authorization" ->> 'nonce')
WHERE p.auth_nonce IS NULL
  AND p.id IN (
      SELECT DISTINCT ON (lower(payment_token_address), lower(payer), lower("authorization" ->> 'nonce')) id
      FROM payment_queue
      WHERE "authorization" ->> 'nonce' ~* '^0x[0-9a-f]{64}$'
      ORDER BY lower(payment_token_address), lower(payer), lower("authorization" ->> 'nonce'),
               CASE status WHEN 'completed' THEN 0 WHEN 'sent' THEN 1 WHEN 'processing' THEN 2 WHEN 'pending' THEN 3 ELSE 4 END,
               created_at
  );
-- The other copies of an authorization can never be paid for a second time: one still waiting
-- would at best be credited with the winner's transaction and mint twice. They fail, saying why.
UPDATE payment_queue p
SET status = 'failed', processed_at = now(),
    error = 'duplicate of another queued payment with the same authorization (found by paymentd migration 007)'
WHERE p.auth_nonce IS NULL
  AND p.status IN ('pending', 'processing', 'sent')
  AND p."authorization" ->> 'nonce' ~* '^0x[0-9a-f]{64}$'
  AND EXISTS (SELECT 1 FROM payment_queue w
              WHERE w.auth_nonce = lower(p."authorization" ->> 'nonce')
                AND lower(w.payment_token_address) = lower(p.payment_token_address)
                AND lower(w.payer) = lower(p.payer));
UPDATE payment_queue
SET valid_before = ("authorization" ->> 'validBefore')::numeric
WHERE valid_before IS NULL AND "authorization" ->> 'validBefore' ~ '^[0-9]{1,78}$';

CREATE UNIQUE INDEX IF NOT EXISTS payment_queue_idempotency_key
    ON payment_queue (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS payment_queue_authorization_once
    ON payment_queue (lower(payment_token_address), lower(payer), auth_nonce) WHERE auth_nonce IS NOT NULL;
-- One payment per signer nonce at a time (a released nonce is set back to NULL).
CREATE UNIQUE INDEX IF NOT EXISTS payment_queue_signer_nonce
    ON payment_queue (lower(signer), nonce) WHERE nonce IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_payment_queue_unsettled
    ON payment_queue (status) WHERE status IN ('processing', 'sent');
