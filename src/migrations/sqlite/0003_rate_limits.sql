-- Failed attempts (bad tokens, wrong passwords), counted per client address,
-- per account and per address-and-account in fixed windows, so that every
-- serve-accept on this database shares them. Rows older than the window are
-- deleted as new ones arrive.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    -- Unix seconds when the current window began.
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_by_window ON rate_limits(window_start);
