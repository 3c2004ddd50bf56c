-- The daemon's log level becomes a live setting (issue 21): `settings set log_level debug`
-- reaches every instance within a poll; `default` means the configuration's `log_level`
-- (config file, PAYMENTD_LOG_LEVEL or --log-level). Seeded so `settings get` shows it.
INSERT INTO system_settings (key, value, description) VALUES
    ('log_level', 'default',
     'trace, debug, info, notice, warning, error or critical: what the daemon logs from now on, on every instance; default: the configuration''s log_level')
ON CONFLICT (key) DO NOTHING;
