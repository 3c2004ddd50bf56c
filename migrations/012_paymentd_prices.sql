-- The price list's database half (issue 8, item 6). paymentd's configuration prices every mint
-- token (`prices`); a row here replaces the configured price of its product, so an operator
-- can change a price without a restart (`kill -HUP`, or any `settings set`). Rows can only
-- change configured products: a row for anything else stops start-up (and a reload keeps the
-- previous list), as does a row whose payment token is not accepted.
--   product                a mint token's address in lowercase, or 'deploy'
--   payment_token_address  the EIP-3009 token the price is paid in
--   unit_price             atomic units of that token per item
--   max_quantity           the most items one payment may buy (1 for 'deploy')
CREATE TABLE IF NOT EXISTS paymentd_prices (
    product               varchar(42) PRIMARY KEY
                          CHECK (product = 'deploy' OR product ~ '^0x[0-9a-f]{40}$'),
    payment_token_address varchar(42) NOT NULL CHECK (payment_token_address ~* '^0x[0-9a-f]{40}$'),
    unit_price            numeric(78, 0) NOT NULL CHECK (unit_price > 0),
    max_quantity          integer NOT NULL CHECK (max_quantity > 0),
    updated_at            timestamp NOT NULL DEFAULT now()
);
