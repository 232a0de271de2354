-- PostgreSQL mirror of migrations/0700_fulltext.sql: /search with pg_trgm instead of FTS5.
-- One GIN trigram index over the same text FTS5 indexes; being an index on `terms` itself, it is
-- in step with every write in that write's own transaction. Needs a UTF-8 database whose
-- LC_CTYPE classifies CJK characters as letters (C.UTF-8 or any *.UTF-8 locale).
-- fts_chars exists so both backends store the same columns; only SQLite's FTS5 reads it.
ALTER TABLE terms ADD COLUMN fts_chars TEXT NOT NULL DEFAULT '';

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX terms_trgm ON terms USING gin (
    (term || ' ' || en || ' ' || aliases || ' ' || summary || ' ' || definition || ' ' || example) gin_trgm_ops
);
