-- Mint jobs tied to their payment, and the batchMint transactions that carry them.
--   mint_batches   one batchMint transaction from the minter signer: nonce, signed bytes
--                  (written before broadcast), every attempt, and its outcome
--   mint_queue.payment_id/item_index   the job's payment and position; unique together, so a
--                  payment's mints are created exactly once. The on-chain dedupe hash
--                  (tx_hash_bytes32) is derived from these two, never from a clock.
CREATE TABLE IF NOT EXISTS mint_batches (
    id                   bigserial PRIMARY KEY,
    token_address        varchar(42) NOT NULL,
    signer               varchar(42) NOT NULL,
    nonce                bigint,
    raw_tx               text,
    tx_hash              varchar(66),
    attempts             jsonb NOT NULL DEFAULT '[]'::jsonb,
    status               varchar(20) NOT NULL DEFAULT 'processing'
                         CHECK (status IN ('processing', 'sent', 'completed', 'reverted', 'abandoned')),
    job_count            integer NOT NULL,
    error                text,
    created_at           timestamp NOT NULL DEFAULT now(),
    sent_at              timestamp,
    confirmed_block      bigint,
    confirmed_block_hash varchar(66),
    updated_at           timestamp NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS mint_batches_signer_nonce
    ON mint_batches (lower(signer), nonce) WHERE nonce IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_mint_batches_open
    ON mint_batches (status) WHERE status IN ('processing', 'sent');

ALTER TABLE mint_queue
    ADD COLUMN IF NOT EXISTS payment_id uuid REFERENCES payment_queue (id),
    ADD COLUMN IF NOT EXISTS item_index integer,
    ADD COLUMN IF NOT EXISTS batch_id   bigint REFERENCES mint_batches (id);
CREATE UNIQUE INDEX IF NOT EXISTS mint_queue_payment_item
    ON mint_queue (payment_id, item_index) WHERE payment_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_mint_queue_pending_created
    ON mint_queue (created_at) WHERE status = 'pending';
