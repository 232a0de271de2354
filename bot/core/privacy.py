"""Forgetting a server: 30 days after the bot leaves it, or at once when its moderators ask.

What is kept and why is in PRIVACY.md. A purge deletes the server's rows from every table that
holds server data (GUILD_TABLES; tests/core/test_privacy.py checks the list against the schema)
in one transaction, then drops the server's terms from the in-memory search index, so they
vanish from /define and autocomplete at once. The shipped glossary (guild 0) is never touched.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.gaps import Gaps
from bot.core.glossary import Glossary
from bot.core.models import SHIPPED

RETENTION = timedelta(days=30)

# Children before parents (term_names points at terms).
GUILD_TABLES = (
    "term_names", "term_revisions", "hidden_terms", "lookup_misses", "lookup_counts", "lookup_days",
    "suggestions", "term_reports", "guild_settings", "daily_posts", "daily_config", "terms", "guild_departures",
)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    guild_id: int
    rows: dict[str, int]  # table → rows deleted

    @property
    def terms(self) -> int:
        return self.rows.get("terms", 0)


class Privacy:
    def __init__(self, glossary: Glossary, gaps: Gaps):
        self.glossary = glossary
        self.db = glossary.db
        self.gaps = gaps

    async def left(self, guild_id: int, when: datetime) -> None:
        """The bot was removed from a server: start its 30 days (a second notice keeps the first time)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_departures (guild_id, left_at) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, when.astimezone(UTC).isoformat()),
            )

    async def returned(self, guild_id: int) -> bool:
        """The bot is in the server again: keep its data. True if a departure was cleared."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM guild_departures WHERE guild_id = ?", (guild_id,))
            return cursor.rowcount > 0

    async def departures(self) -> dict[int, datetime]:
        rows = await self.db.fetchall("SELECT guild_id, left_at FROM guild_departures")
        return {r["guild_id"]: datetime.fromisoformat(r["left_at"]) for r in rows}

    async def purge_due(self, now: datetime, present: Collection[int] = ()) -> list[PurgeReport]:
        """Purge every server left more than RETENTION ago; servers in `present` came back and are kept."""
        reports = []
        for guild_id, left_at in (await self.departures()).items():
            if guild_id in present:
                await self.returned(guild_id)
            elif now - left_at >= RETENTION:
                reports.append(await self.purge(guild_id))
        return reports

    async def purge(self, guild_id: int) -> PurgeReport:
        """Delete everything stored about one server, now."""
        if guild_id == SHIPPED:
            raise ValueError("the shipped glossary is not a server's data")
        await self.gaps.flush()  # counts still in memory land first, so the delete takes them too
        rows: dict[str, int] = {}
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT uid FROM terms WHERE guild_id = ?", (guild_id,)) as cursor:
                uids = [row[0] for row in await cursor.fetchall()]
            async with conn.execute("SELECT slug FROM hidden_terms WHERE guild_id = ?", (guild_id,)) as cursor:
                hidden = [row[0] for row in await cursor.fetchall()]
            for table in GUILD_TABLES:
                cursor = await conn.execute(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))
                rows[table] = cursor.rowcount
        self.glossary.forget_guild(guild_id, uids, hidden)
        return PurgeReport(guild_id, rows)
