-- The language an invitee reads (invite --lang, the lang column of a CSV or
-- people file), kept with the user so that every later mail (reminder,
-- renewal, reset, end warning) and the link's pages use it; NULL means
-- [organization] language.
ALTER TABLE users ADD COLUMN lang TEXT;
