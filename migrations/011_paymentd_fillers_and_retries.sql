-- Nonce fillers: a zero-value transfer from a signer to itself that fills a nonce no payment
-- (or mint batch) holds. Recorded before it is broadcast, like every signed transaction, so
-- after a crash or a reorg the nonce is re-used only by these very bytes.
CREATE TABLE IF NOT EXISTS nonce_fillers (
    signer     varchar(42) NOT NULL,
    nonce      bigint      NOT NULL,
    raw_tx     text        NOT NULL,
    tx_hash    varchar(66) NOT NULL,
    created_at timestamp   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS nonce_fillers_signer_nonce ON nonce_fillers (lower(signer), nonce);

-- A payment refused for a reason that may pass (the payer's balance is short at simulation,
-- an answer the node gave that names no known fault) waits and is tried again, up to its
-- authorization's deadline, instead of failing.
--   next_attempt_at     not claimed before this moment
--   transient_failures  how many times in a row it was refused like that (sets the backoff)
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS next_attempt_at    timestamp,
    ADD COLUMN IF NOT EXISTS transient_failures integer NOT NULL DEFAULT 0;
