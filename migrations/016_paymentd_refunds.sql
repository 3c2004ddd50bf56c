-- A charged buyer ends minted or refunded (DESIGN invariant 4). When a paid payment's mint
-- jobs cannot be minted (the token's supply or the minter's role changed outside paymentd), the
-- payment is refund due until its refund is recorded: a transfer of the payment token to the
-- payer, checked on chain, recorded by an operator's `refund` command.
--   refund_tx_hash  the transaction that paid the buyer back (one payment per transaction)
--   refund_amount   what it paid him, in the payment token's atomic units
--   refunded_at     when the refund was recorded
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS refund_tx_hash varchar(66),
    ADD COLUMN IF NOT EXISTS refund_amount  numeric(78, 0),
    ADD COLUMN IF NOT EXISTS refunded_at    timestamp;
CREATE UNIQUE INDEX IF NOT EXISTS payment_queue_refund_tx ON payment_queue (lower(refund_tx_hash)) WHERE refund_tx_hash IS NOT NULL;
-- Refund due: found from the (few) failed mint jobs.
CREATE INDEX IF NOT EXISTS mint_queue_failed_payment ON mint_queue (payment_id) WHERE status = 'failed';
