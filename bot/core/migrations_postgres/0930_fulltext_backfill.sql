-- PostgreSQL mirror of migrations/0930_fulltext_backfill.sql, deliberately empty: pg_trgm's GIN
-- index is written with each row, which the server does on its own cores, so there is no backfill.
SELECT 1;
