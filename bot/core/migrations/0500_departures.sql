-- Servers the bot has left: their data is kept 30 days in case the bot is invited back,
-- then purged (bot/core/privacy.py). A return deletes the row.
CREATE TABLE guild_departures (
    guild_id INTEGER PRIMARY KEY,
    left_at  TEXT    NOT NULL   -- ISO UTC
);
