-- PostgreSQL mirror of migrations/0900_daily_due.sql: a tick reads only the servers that are due,
-- and only recent history. next_check_at is fixed-width UTC text, compared as text on both backends.
ALTER TABLE daily_config ADD COLUMN next_check_at TEXT NOT NULL DEFAULT '';
CREATE INDEX daily_config_due ON daily_config (enabled, next_check_at);
CREATE INDEX daily_posts_by_cycle ON daily_posts (guild_id, cycle);
CREATE INDEX daily_posts_pending ON daily_posts (guild_id) WHERE status = 'pending';
