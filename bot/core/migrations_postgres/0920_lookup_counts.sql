-- PostgreSQL mirror of migrations/0920_lookup_counts.sql: per-term lookup counts and per-day
-- totals per server, counts only.
CREATE TABLE lookup_counts (
    guild_id BIGINT  NOT NULL,
    slug     TEXT    NOT NULL,
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, slug)
);

CREATE TABLE lookup_days (
    guild_id BIGINT  NOT NULL,
    day      DATE    NOT NULL,
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, day)
);
CREATE INDEX lookup_days_by_day ON lookup_days (day);
