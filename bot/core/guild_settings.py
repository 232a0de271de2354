"""Per-server settings (moderator role, review channel)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.db import Database

_COLUMNS = ("moderator_role_id", "review_channel_id")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    moderator_role_id: int | None = None
    review_channel_id: int | None = None


class GuildSettingsStore:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone(
            "SELECT moderator_role_id, review_channel_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, row["moderator_role_id"], row["review_channel_id"])

    async def set(self, guild_id: int, **values: int | None) -> GuildSettings:
        unknown = values.keys() - set(_COLUMNS)
        if unknown:
            raise KeyError(f"unknown settings: {sorted(unknown)}")
        async with self.db.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING", (guild_id,))
            for column, value in values.items():
                await conn.execute(f"UPDATE guild_settings SET {column} = ? WHERE guild_id = ?", (value, guild_id))
        return await self.get(guild_id)
