-- See sqlite/0006_logins_and_reset_links.sql.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
DROP INDEX password_resets_one_pending_per_user;
CREATE INDEX password_resets_pending_by_user ON password_resets(user_id) WHERE status = 'pending';
