-- Password reset links (`users reset-password`, /forgot). As for an
-- invitation, only the SHA-256 of the link's token is kept. A newer link for
-- the same user replaces the older one ('replaced'); setting the password
-- with it uses it up ('used'). Expiry is derived from the clock. Rows stay as
-- history.
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status TEXT NOT NULL CHECK (status IN ('pending', 'used', 'replaced')),
    -- who asked: the operating-system user, or the user's own address on /forgot
    requested_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    -- 'queued', 'sent' or 'failed: <reason>'
    delivery TEXT NOT NULL DEFAULT 'queued'
);
CREATE UNIQUE INDEX password_resets_one_pending_per_user ON password_resets(user_id) WHERE status = 'pending';
