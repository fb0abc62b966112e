-- An account may end on a date (people file end_date, users edit --end-date,
-- invite --end-date): from ends_at (00:00 UTC of that day) it cannot log in
-- and its sessions stop working, checked at request time. end_warned_at
-- records the one warning mail `users expire` sends before the end.
ALTER TABLE users ADD COLUMN ends_at TEXT;
ALTER TABLE users ADD COLUMN end_warned_at TEXT;
