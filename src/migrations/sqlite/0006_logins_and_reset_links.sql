-- A login checks a password outside any transaction (a hash takes a while),
-- then starts its session in a write transaction only when the user's epoch
-- is still the one read before the check. A password reset and a
-- deactivation bump it, so no login that raced one keeps a session.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- A reset link asked for on /forgot no longer kills the one mailed before
-- (someone else could ask for it again and again): a user may hold more than
-- one live link until one of them sets the password.
DROP INDEX password_resets_one_pending_per_user;
CREATE INDEX password_resets_pending_by_user ON password_resets(user_id) WHERE status = 'pending';
