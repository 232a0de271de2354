"""Term-of-the-day state in SQLite: settings and the per-day post ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

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


_SHOWN = "('sent', 'pending', 'unknown')"  # statuses whose term counts as used in its cycle


def utc_text(instant: datetime) -> str:
    """A fixed-width UTC timestamp, so SQLite compares them as text in time order."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


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
                " active_since = excluded.active_since, enabled = 1, next_check_at = ''",
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

    async def due_configs(self, now: datetime) -> list[DailyConfig]:
        """Only the servers the scheduler has to look at now: one index range, whatever the history."""
        rows = await self.db.fetchall(
            "SELECT * FROM daily_config WHERE enabled = 1 AND next_check_at <= ?", (utc_text(now),)
        )
        return [_config(r) for r in rows]

    async def set_next_check(self, guild_id: int, at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE daily_config SET next_check_at = ? WHERE guild_id = ?",
                               (utc_text(at), guild_id))

    # --- the ledger ---
    async def posts(self, guild_id: int) -> list[PostRecord]:
        rows = await self.db.fetchall(
            "SELECT * FROM daily_posts WHERE guild_id = ? ORDER BY local_date", (guild_id,)
        )
        return [_record(r) for r in rows]

    async def recent_posts(self, guild_id: int, since: date) -> list[PostRecord]:
        """Days from `since` on, plus any claim still pending however old: what a tick needs."""
        rows = await self.db.fetchall(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND local_date >= ?"
            " UNION SELECT * FROM daily_posts WHERE guild_id = ? AND status = 'pending'"
            " ORDER BY local_date",
            (guild_id, since.isoformat(), guild_id),
        )
        return [_record(r) for r in rows]

    async def last_date(self, guild_id: int) -> date | None:
        row = await self.db.fetchone("SELECT MAX(local_date) FROM daily_posts WHERE guild_id = ?", (guild_id,))
        return date.fromisoformat(row[0]) if row and row[0] else None

    async def current_cycle(self, guild_id: int) -> tuple[int, set[str]]:
        """The newest cycle with a term shown in it, and the terms shown in it ((0, ∅) at first)."""
        row = await self.db.fetchone(
            f"SELECT MAX(cycle) FROM daily_posts WHERE guild_id = ? AND cycle >= 0 AND status IN {_SHOWN}",
            (guild_id,),
        )
        if row is None or row[0] is None:
            return 0, set()
        rows = await self.db.fetchall(
            f"SELECT slug FROM daily_posts WHERE guild_id = ? AND cycle = ? AND status IN {_SHOWN}",
            (guild_id, row[0]),
        )
        return int(row[0]), {r["slug"] for r in rows}

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
