-- PostgreSQL mirror of migrations/0002_guild_settings.sql.
CREATE TABLE guild_settings (
    guild_id          BIGINT PRIMARY KEY,
    moderator_role_id BIGINT,
    review_channel_id BIGINT
);
