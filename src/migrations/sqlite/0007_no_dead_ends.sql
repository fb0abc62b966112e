-- No dead ends: reminders, renewals from the expired page, opened links.
--
-- A reminder mails a link of its own without killing the first mail's: an
-- invitation may have more than one live token until it is resent,
-- cancelled or accepted. The first token stays in invitations.token_hash;
-- every further one is a row here, pointing at its invitation. Each token
-- is only as live as its invitation row: a resend supersedes the row (so
-- every token of it dies at once), a cancel or an accept ends it.
CREATE TABLE invitation_links (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    created_at TEXT NOT NULL
);
CREATE INDEX invitation_links_by_invitation ON invitation_links(invitation_id);

-- When `invitectl remind` mailed this invitation its reminder (one each).
ALTER TABLE invitations ADD COLUMN reminded_at TEXT;
-- When a valid link of it was first opened (a hint: mail scanners open links too).
ALTER TABLE invitations ADD COLUMN opened_at TEXT;
-- When the invitee asked for a new link on the expired page ([organization]
-- renew = "admin"); a resend answers it.
ALTER TABLE invitations ADD COLUMN renewal_requested_at TEXT;
-- When the invitee's own renewal ([organization] renew = "auto") replaced
-- this invitation with a new one; counted against renew_limit.
ALTER TABLE invitations ADD COLUMN renewed_at TEXT;
