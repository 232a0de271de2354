-- PostgreSQL mirror of migrations/0700_fulltext.sql: /search with pg_trgm instead of FTS5.
-- fts_doc is the text FTS5 indexes, lower-cased once per write (a generated column), so a query is
-- a plain LIKE, much cheaper per row than ILIKE over the concatenation; a GIN trigram index on it
-- narrows 3+ character queries. Both are part of `terms`, so they are in step with every write in
-- that write's own transaction. Needs a UTF-8 database whose LC_CTYPE classifies CJK characters
-- as letters (C.UTF-8 or any *.UTF-8 locale).
-- fts_chars exists so both backends store the same columns; only SQLite's FTS5 reads it.
ALTER TABLE terms ADD COLUMN fts_chars TEXT NOT NULL DEFAULT '';

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE terms ADD COLUMN fts_doc TEXT GENERATED ALWAYS AS (
    lower(term || ' ' || en || ' ' || aliases || ' ' || summary || ' ' || definition || ' ' || example)
) STORED;

CREATE INDEX terms_trgm ON terms USING gin (fts_doc gin_trgm_ops);
