-- The replaced system's migration 006: the six statuses and the index its confirmation loop
-- uses. Written so it is a no-op on a database where that system already applied it.
ALTER TABLE payment_queue DROP CONSTRAINT IF EXISTS payment_queue_status_check;
ALTER TABLE payment_queue
    ADD CONSTRAINT payment_queue_status_check
    CHECK (status IN ('pending', 'processing', 'sent', 'completed', 'failed', 'confirmation_failed'));
CREATE INDEX IF NOT EXISTS idx_payment_queue_sent_processed
    ON payment_queue (status, processed_at)
    WHERE status = 'sent';
