-- paymentd's tunables, next to the replaced system's. Existing values are kept. Every one is
-- applied live (socket `settings set`, or SIGHUP after editing the table).
INSERT INTO system_settings (key, value, description) VALUES
    ('payment_batch_size', '100',
     'Most payments the send loop claims, signs and broadcasts per iteration'),
    ('confirmations_required', '1',
     'Blocks on top of a receipt (counting its own) before a payment is completed'),
    ('confirm_interval_ms', '1000',
     'Interval in milliseconds between receipt checks of every sent transaction'),
    ('max_batch_size', '50',
     'Most mint jobs per batchMint transaction'),
    ('batch_interval_seconds', '2',
     'Seconds between batch mint operations when mint jobs wait'),
    ('max_pending_per_payer', '10',
     'Unsettled payments (pending, processing, sent) one payer may have before enqueue is refused'),
    ('min_validity_seconds', '30',
     'An authorization must stay valid at least this many seconds after enqueue'),
    ('priority_fee_wei', '10000000',
     'Minimum priority fee (tip) per gas, in wei'),
    ('max_fee_per_gas_wei', '500000000000',
     'Ceiling on maxFeePerGas; sending pauses rather than paying more'),
    ('transfer_gas_limit', '150000',
     'Gas limit of a transferWithAuthorization transaction'),
    ('max_in_flight_per_signer', '500',
     'Most unconfirmed transactions one signer may have at once'),
    ('simulate_before_send', 'true',
     'Simulate each transferWithAuthorization with eth_call before signing it')
ON CONFLICT (key) DO NOTHING;
