-- Term of the day: one row of settings per server, one row per server per local date posted.
CREATE TABLE daily_config (
    guild_id    INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    post_time   TEXT    NOT NULL,          -- 'HH:MM', the server's local time
    timezone    TEXT    NOT NULL,          -- IANA name
    enabled     INTEGER NOT NULL DEFAULT 1,
    active_since TEXT   NOT NULL,          -- ISO UTC; days whose post time came before this are not owed
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The primary key is the exactly-once guarantee: a day can be claimed only once.
CREATE TABLE daily_posts (
    guild_id        INTEGER NOT NULL,
    local_date      TEXT    NOT NULL,      -- 'YYYY-MM-DD' in the server's time zone
    slug            TEXT    NOT NULL,      -- the term picked for that day
    cycle           INTEGER NOT NULL,      -- pool round: no repeats within one cycle
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'unknown', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,                  -- ISO UTC; retry after a 5xx
    message_id      INTEGER,
    error           TEXT,
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (guild_id, local_date)
);
