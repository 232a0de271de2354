"""Term-of-the-day state in SQLite: settings and the per-day post ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.core.daily import DailyConfig
from bot.core.db import Database


@dataclass(frozen=True, slots=True)
class PostRecord:
    guild_id: int
    local_date: date
    slug: str
    cycle: int
    status: str
    attempts: int
    next_attempt_at: datetime | None
    message_id: int | None
    error: str | None


def _record(row) -> PostRecord:
    return PostRecord(
        guild_id=row["guild_id"], local_date=date.fromisoformat(row["local_date"]), slug=row["slug"],
        cycle=row["cycle"], status=row["status"], attempts=row["attempts"],
        next_attempt_at=datetime.fromisoformat(row["next_attempt_at"]) if row["next_attempt_at"] else None,
        message_id=row["message_id"], error=row["error"],
    )


class DailyStore:
    def __init__(self, db: Database):
        self.db = db

    # --- settings ---
    async def configure(self, config: DailyConfig) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO daily_config (guild_id, channel_id, post_time, timezone, active_since, enabled)"
                " VALUES (?, ?, ?, ?, ?, 1)"
                " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
                " post_time = excluded.post_time, timezone = excluded.timezone,"
                " active_since = excluded.active_since, enabled = 1",
                (config.guild_id, config.channel_id, config.post_time.strftime("%H:%M"), config.timezone,
                 config.active_since.isoformat()),
            )

    async def disable(self, guild_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute("UPDATE daily_config SET enabled = 0 WHERE guild_id = ?", (guild_id,))
            return cursor.rowcount > 0

    async def config(self, guild_id: int) -> DailyConfig | None:
        row = await self.db.fetchone("SELECT * FROM daily_config WHERE guild_id = ?", (guild_id,))
        return _config(row) if row else None

    async def enabled_configs(self) -> list[DailyConfig]:
        return [_config(r) for r in await self.db.fetchall("SELECT * FROM daily_config WHERE enabled = 1")]

    # --- the ledger ---
    async def posts(self, guild_id: int) -> list[PostRecord]:
        rows = await self.db.fetchall(
            "SELECT * FROM daily_posts WHERE guild_id = ? ORDER BY local_date", (guild_id,)
        )
        return [_record(r) for r in rows]

    async def claim(self, guild_id: int, day: date, slug: str, cycle: int) -> bool:
        """Reserve a day for one post; False if it was already claimed (by this or an earlier run)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO daily_posts (guild_id, local_date, slug, cycle, status)"
                " VALUES (?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING",
                (guild_id, day.isoformat(), slug, cycle),
            )
            return cursor.rowcount == 1

    async def skip(self, guild_id: int, day: date, reason: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO daily_posts (guild_id, local_date, slug, cycle, status, error)"
                " VALUES (?, ?, '', -1, 'skipped', ?) ON CONFLICT DO NOTHING",
                (guild_id, day.isoformat(), reason),
            )

    async def finish(self, guild_id: int, day: date, *, status: str, message_id: int | None = None,
                     error: str | None = None, next_attempt_at: datetime | None = None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE daily_posts SET status = ?, message_id = ?, error = ?, attempts = attempts + 1,"
                f" next_attempt_at = ?, updated_at = {self.db.NOW}"
                " WHERE guild_id = ? AND local_date = ?",
                (status, message_id, error, next_attempt_at.isoformat() if next_attempt_at else None,
                 guild_id, day.isoformat()),
            )


def _config(row) -> DailyConfig:
    hour, minute = map(int, row["post_time"].split(":"))
    return DailyConfig(
        guild_id=row["guild_id"], channel_id=row["channel_id"], post_time=time(hour, minute),
        timezone=row["timezone"], active_since=datetime.fromisoformat(row["active_since"]),
        enabled=bool(row["enabled"]),
    )
