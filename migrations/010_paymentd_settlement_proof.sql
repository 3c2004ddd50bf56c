-- What makes a settlement a fact that can be re-checked, and one that pays one payment only.
--   settlement_log_index  the logIndex of the settling AuthorizationUsed log; its Transfer is the
--                         very next log. (tx_hash, settlement_log_index) is unique: one pair of
--                         logs pays one payment, even when one transaction (a multicall)
--                         carries the pairs of several.
--   enqueued_block        the chain head when the payment was enqueued; its authorization was
--                         unused then, so any use of it is in a later block (front-run search
--                         starts here, whatever the gap since).
--   finalized             the settlement block (or the reverted receipt's block) is
--                         finality-depth deep: it is not re-checked any more.
--   reorged_at            a completed payment whose settlement a reorg removed, being restored.
--   settlement_lost       why a completed payment's settlement could not be restored after a
--                         reorg (tokens cannot be un-minted: it stays completed, flagged).
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS settlement_log_index integer,
    ADD COLUMN IF NOT EXISTS enqueued_block       bigint,
    ADD COLUMN IF NOT EXISTS finalized            boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS reorged_at           timestamp,
    ADD COLUMN IF NOT EXISTS settlement_lost      text;

CREATE UNIQUE INDEX IF NOT EXISTS payment_queue_settlement_log
    ON payment_queue (lower(tx_hash), settlement_log_index) WHERE settlement_log_index IS NOT NULL;
-- The reorg watcher's question each tick: which settlement blocks are not yet final.
CREATE INDEX IF NOT EXISTS idx_payment_queue_unfinalized
    ON payment_queue (confirmed_block)
    WHERE NOT finalized AND confirmed_block IS NOT NULL AND status IN ('completed', 'confirmation_failed');
CREATE INDEX IF NOT EXISTS idx_payment_queue_reorged
    ON payment_queue (reorged_at) WHERE reorged_at IS NOT NULL;

ALTER TABLE mint_batches
    ADD COLUMN IF NOT EXISTS finalized boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS idx_mint_batches_unfinalized
    ON mint_batches (confirmed_block)
    WHERE NOT finalized AND confirmed_block IS NOT NULL AND status IN ('completed', 'reverted');

INSERT INTO system_settings (key, value, description) VALUES
    ('finality_depth', '120',
     'Blocks (counting its own) before a settlement or mint batch is final and no longer re-checked for reorgs, or ''finalized'' to use the node''s finalized block'),
    ('mint_confirmations', '1',
     'Blocks on top of a payment''s settlement (counting its own) before its tokens are minted')
ON CONFLICT (key) DO NOTHING;
