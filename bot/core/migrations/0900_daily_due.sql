-- Term of the day at scale: a tick reads only the servers that are due, and only recent history.

-- When the scheduler next needs to look at this server (ISO UTC); '' means now.
ALTER TABLE daily_config ADD COLUMN next_check_at TEXT NOT NULL DEFAULT '';
CREATE INDEX daily_config_due ON daily_config (enabled, next_check_at);

-- The current cycle's terms, without reading a server's whole history.
CREATE INDEX daily_posts_by_cycle ON daily_posts (guild_id, cycle);
-- Claims still waiting for their outcome, whatever their age.
CREATE INDEX daily_posts_pending ON daily_posts (guild_id) WHERE status = 'pending';
