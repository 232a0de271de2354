-- Per-server settings shared by features (moderator role, review channel, ...).
CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    moderator_role_id INTEGER,
    review_channel_id INTEGER
);
