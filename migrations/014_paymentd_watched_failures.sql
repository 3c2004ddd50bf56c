-- A payment that failed while the chain could still settle its authorization is not final
-- (DESIGN invariant 4): our own transaction reverted, the broadcast was refused, its token was
-- removed from the configuration, an operator cancelled it, or the proof that it can never
-- settle (the nonce spent elsewhere, a lost settlement) is not final yet. paymentd watches
-- such a payment until the chain can no longer change it: a use of the authorization that pays
-- the receiver completes it (and mints once); expiry or a final proof closes the watch.
--   watch_closed_at  when the chain could no longer change this failed payment (NULL: watched)
--   revert_retries   how many times the payment was signed again after its own transaction
--                    reverted while the authorization stayed unused (each retry costs gas)
--   gas_limit        the gas limit of its next transaction, raised after one ran out of gas
--                    (NULL: the transfer_gas_limit setting)
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS watch_closed_at timestamp,
    ADD COLUMN IF NOT EXISTS revert_retries  integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS gas_limit       bigint;
CREATE INDEX IF NOT EXISTS payment_queue_watched_failures ON payment_queue (processed_at)
    WHERE watch_closed_at IS NULL AND (status IN ('failed', 'confirmation_failed') OR settlement_lost IS NOT NULL);
