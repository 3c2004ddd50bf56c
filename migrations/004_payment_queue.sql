-- The replaced system's payment_queue (its migration 004), created only if absent. Its status
-- check still has the original four statuses; 006 widens it exactly as the replaced system did.
CREATE TABLE IF NOT EXISTS payment_queue (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    payment_type          varchar(10) NOT NULL CHECK (payment_type IN ('deploy', 'mint')),
    token_address         varchar(42),
    "authorization"       jsonb NOT NULL,
    payer                 varchar(42) NOT NULL,
    amount                varchar(100) NOT NULL,
    payment_token_address varchar(42) NOT NULL,
    metadata              jsonb,
    status                varchar(20) NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    tx_hash               varchar(66),
    result                jsonb,
    error                 text,
    created_at            timestamp DEFAULT now(),
    processed_at          timestamp,
    CONSTRAINT valid_token_address_for_mint CHECK (payment_type != 'mint' OR token_address IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS idx_payment_queue_status_created ON payment_queue (status, created_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS idx_payment_queue_payer ON payment_queue (payer);

INSERT INTO system_settings (key, value, description)
VALUES ('payment_batch_interval_ms', '2000',
        'Interval in milliseconds for processing payment queue batches (prevents nonce conflicts)')
ON CONFLICT (key) DO NOTHING;
