-- See sqlite/0003_rate_limits.sql.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    -- Unix seconds when the current window began.
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_window ON rate_limits(window_start);
