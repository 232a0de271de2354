-- PostgreSQL mirror of migrations/0500_departures.sql.
CREATE TABLE guild_departures (
    guild_id BIGINT PRIMARY KEY,
    left_at  TIMESTAMPTZ NOT NULL
);
