"""Counts of lookups that found nothing, per server: the moderators' backlog.

Only the normalised query and a count are kept. Counting never makes a lookup wait: record()
only adds to a tally in memory, which the shared BatchedWriter (bot/core/counters.py) writes
with every other lookup-path count, on a timer, before anyone reads the counts, and on stop.
"""

from __future__ import annotations

from bot.core.counters import BatchedWriter
from bot.core.db import Database
from bot.core.normalize import normalize

MAX_QUERY = 100


class Gaps:
    def __init__(self, db: Database, writer: BatchedWriter | None = None):
        self.db = db
        self.writer = writer or BatchedWriter(db)
        self._tally = self.writer.tally("lookup_misses", ("guild_id", "query"))

    def record(self, guild_id: int, query: str) -> None:
        key = normalize(query)[:MAX_QUERY]
        if key and guild_id:
            self._tally.add((guild_id, key))

    @property
    def pending(self) -> int:
        return sum(self._tally.pending.values())

    async def flush(self) -> None:
        await self.writer.flush()

    async def top(self, guild_id: int, limit: int = 15) -> list[tuple[str, int]]:
        await self.flush()
        rows = await self.db.fetchall(
            "SELECT query, count FROM lookup_misses WHERE guild_id = ? ORDER BY count DESC, query LIMIT ?",
            (guild_id, limit),
        )
        return [(r["query"], r["count"]) for r in rows]
