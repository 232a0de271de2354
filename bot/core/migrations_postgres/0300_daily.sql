-- PostgreSQL mirror of migrations/0300_daily.sql. The daily_posts primary key is the
-- exactly-once claim, across every process that might post for a server.
CREATE TABLE daily_config (
    guild_id     BIGINT  PRIMARY KEY,
    channel_id   BIGINT  NOT NULL,
    post_time    TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    active_since TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE daily_posts (
    guild_id        BIGINT  NOT NULL,
    local_date      DATE    NOT NULL,
    slug            TEXT    NOT NULL,
    cycle           INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'unknown', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    message_id      BIGINT,
    error           TEXT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, local_date)
);
