-- Times are UTC RFC 3339 text with second precision ("2026-11-25T02:00:00Z"),
-- so that they compare correctly as text.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- Stored trimmed and lower-cased; NOCASE makes the database itself refuse
    -- a second user whose address differs only in case.
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name TEXT,
    last_name TEXT,
    role TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'inactive')),
    password_hash TEXT CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    created_at TEXT NOT NULL,
    activated_at TEXT,
    deactivated_at TEXT
);

CREATE TABLE user_teams (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (user_id, team_id)
) WITHOUT ROWID;

-- One row per message sent with its own token. A resend supersedes the row
-- and adds a new one; cancelled and superseded rows stay as history.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    role TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    invited_by TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'cancelled', 'superseded')),
    sent_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    -- 'queued', 'sent' or 'failed: <reason>'
    delivery TEXT NOT NULL DEFAULT 'queued',
    accepted_at TEXT,
    cancelled_at TEXT,
    cancelled_by TEXT,
    superseded_at TEXT,
    superseded_by TEXT,
    replaced_by INTEGER REFERENCES invitations(id)
);
CREATE UNIQUE INDEX invitations_one_pending_per_email ON invitations(email) WHERE status = 'pending';
CREATE INDEX invitations_by_email ON invitations(email);

CREATE TABLE invitation_teams (
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (invitation_id, team_id)
) WITHOUT ROWID;

CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    attempted_at TEXT NOT NULL,
    transport TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    -- the server's reply, the file written, or the error
    detail TEXT NOT NULL,
    message_id TEXT
);
CREATE INDEX delivery_attempts_by_invitation ON delivery_attempts(invitation_id);

CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
);
