-- See sqlite/0007_no_dead_ends.sql.
CREATE TABLE invitation_links (
    token_hash BYTEA PRIMARY KEY CHECK (length(token_hash) = 32),
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) DEFERRABLE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX invitation_links_by_invitation ON invitation_links(invitation_id);

ALTER TABLE invitations ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE invitations ADD COLUMN opened_at TIMESTAMPTZ;
ALTER TABLE invitations ADD COLUMN renewal_requested_at TIMESTAMPTZ;
ALTER TABLE invitations ADD COLUMN renewed_at TIMESTAMPTZ;
