-- The hooks' outbox (`[hooks] command`): each change to a user, written in
-- the transaction that makes it, for `invitectl hooks run` and serve-accept
-- to hand to the command, one event at a time, in order per user. No foreign
-- key to users: cancelling an invitation deletes its pending user, and the
-- user.invited event of that user is still handed on.
CREATE TABLE hook_events (
    id INTEGER PRIMARY KEY,
    -- user.invited, user.activated, user.changed, user.deactivated,
    -- user.reactivated or user.password_reset
    event TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    at TEXT NOT NULL,
    -- who made the change, as the audit log names them
    actor TEXT NOT NULL,
    -- the user as `users list --format json` shows them, just after the change
    user_json TEXT NOT NULL,
    -- 'pending' (not tried yet), 'failed' (the last run failed; run again
    -- from next_attempt_at) or 'done' (the command exited 0)
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed', 'done')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    -- a runner's lease: no other runner takes the event before this instant
    claimed_until TEXT,
    last_attempt_at TEXT,
    -- 'exit 0', 'exit 1: <output>', 'timed out after 30s', …
    last_result TEXT,
    done_at TEXT
);
CREATE INDEX hook_events_by_user ON hook_events(user_id, id);
CREATE INDEX hook_events_not_done ON hook_events(id) WHERE status <> 'done';
