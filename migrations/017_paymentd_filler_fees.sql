-- A filler holds a nonce nothing else holds; one priced out (a base-fee rise, a node's minimum
-- tip) stalls every later transaction of its signer. Fillers are now signed again at their
-- nonce with raised fees, like payments and mint batches (issue 16): the newest bytes replace
-- the old ones in place (either may mine: each is a zero-value transfer to the signer itself).
--   signed_at  when the recorded bytes were signed (the fee-bump clock); with a time zone,
--              so its epoch is right whatever the server's TimeZone
ALTER TABLE nonce_fillers ADD COLUMN IF NOT EXISTS signed_at timestamptz;
UPDATE nonce_fillers SET signed_at = now() WHERE signed_at IS NULL;
ALTER TABLE nonce_fillers ALTER COLUMN signed_at SET DEFAULT now(), ALTER COLUMN signed_at SET NOT NULL;
