-- What a server reads (/glossary stats, the empty autocomplete box, /browse by popularity).
-- Counts only: never who looked, nor when beyond the day. Written in batches by core/counters.py;
-- lookups through a user's own install (guild 0) are never counted.
CREATE TABLE lookup_counts (
    guild_id INTEGER NOT NULL,
    slug     TEXT    NOT NULL,   -- the term as the server sees it: its own version or the shipped one
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, slug)
);

CREATE TABLE lookup_days (
    guild_id INTEGER NOT NULL,
    day      TEXT    NOT NULL,   -- YYYY-MM-DD, UTC
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, day)
);
-- Days past the chart are deleted by the hourly privacy sweep, across servers.
CREATE INDEX lookup_days_by_day ON lookup_days (day);
