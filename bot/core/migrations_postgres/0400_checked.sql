-- PostgreSQL mirror of migrations/0400_checked.sql.
ALTER TABLE terms ADD COLUMN checked TEXT NOT NULL DEFAULT '';
