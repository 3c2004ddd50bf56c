-- The replaced system's key/value settings table (same columns, same name), created only if
-- absent so a database written by it is adopted as it is.
CREATE TABLE IF NOT EXISTS system_settings (
    key         varchar(100) PRIMARY KEY,
    value       text NOT NULL,
    description text,
    updated_at  timestamp NOT NULL DEFAULT now()
);
