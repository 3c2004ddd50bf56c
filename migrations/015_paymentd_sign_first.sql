-- A payment someone waits on for its transaction hash (x402's facilitator /settle must answer
-- with one, or the buyer's resource server asks him to pay again) is signed ahead of the
-- payments queued before it.
--   sign_first  claimed before older pending payments (enqueue's sign_first)
ALTER TABLE payment_queue
    ADD COLUMN IF NOT EXISTS sign_first boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS payment_queue_pending_sign_first ON payment_queue (sign_first DESC, created_at, id)
    WHERE status = 'pending';
