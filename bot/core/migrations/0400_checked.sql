-- The month a term's version-dependent facts were last checked (YYYY-MM, or '' when not stated).
ALTER TABLE terms ADD COLUMN checked TEXT NOT NULL DEFAULT '';
