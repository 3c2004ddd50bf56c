-- The replaced system's mint_queue (schema-v3 plus its migration 009's recipient), created only
-- if absent. paymentd's own columns are added by a later migration.
CREATE TABLE IF NOT EXISTS mint_queue (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    payer_address      varchar(42) NOT NULL,
    payment_tx_hash    varchar(66),
    authorization_data jsonb,
    tx_hash_bytes32    varchar(66) NOT NULL UNIQUE,
    token_address      varchar(42),
    status             varchar(20) NOT NULL DEFAULT 'pending',
    created_at         timestamp NOT NULL DEFAULT now(),
    updated_at         timestamp NOT NULL DEFAULT now(),
    processed_at       timestamp,
    mint_tx_hash       varchar(66),
    error_message      text,
    retry_count        integer DEFAULT 0,
    payment_type       varchar(20) NOT NULL DEFAULT 'x402',
    queue_position     integer
);
ALTER TABLE mint_queue ADD COLUMN IF NOT EXISTS recipient varchar(42);
CREATE INDEX IF NOT EXISTS idx_mint_queue_status ON mint_queue (status);
CREATE INDEX IF NOT EXISTS idx_mint_queue_payer ON mint_queue (payer_address);
CREATE INDEX IF NOT EXISTS idx_mint_queue_token ON mint_queue (token_address);
