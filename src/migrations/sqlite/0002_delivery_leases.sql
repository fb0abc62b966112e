-- A process that is sending a batch holds a lease on it, renewed while it
-- works. `resend --failed` and `invite --skip-existing` leave queued
-- invitations of a live lease alone (they are being sent right now). A
-- killed process's lease is ended at once by the next invitectl on its host,
-- which can see the process is gone, and by its expiry everywhere else.
CREATE TABLE senders (
    -- AUTOINCREMENT: an id is never reused, or a new sender would seem to
    -- hold the batch of an old one.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires_at TEXT NOT NULL
);
ALTER TABLE invitations ADD COLUMN sender_id INTEGER;
