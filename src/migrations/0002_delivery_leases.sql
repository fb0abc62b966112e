-- A process that is sending a batch holds a lease on it, renewed while it
-- works. `resend --failed` leaves queued invitations of a live lease alone
-- (they are being sent right now); a killed process's lease runs out.
CREATE TABLE senders (
    id INTEGER PRIMARY KEY,
    expires_at TEXT NOT NULL
);
ALTER TABLE invitations ADD COLUMN sender_id INTEGER;
