"""Counts of lookups that found nothing, per server: the moderators' backlog.

Only the normalised query and a count are kept. Counting never makes a lookup wait: record()
only adds to a pending tally in memory, and flush() writes the tally in one transaction
(on a timer, before anyone reads the counts, and at shutdown).
"""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.core.db import Database
from bot.core.normalize import normalize

MAX_QUERY = 100


class Gaps:
    def __init__(self, db: Database):
        self.db = db
        self._pending: Counter[tuple[int, str]] = Counter()
        self._flush_lock = asyncio.Lock()

    def record(self, guild_id: int, query: str) -> None:
        key = normalize(query)[:MAX_QUERY]
        if key and guild_id:
            self._pending[(guild_id, key)] += 1

    @property
    def pending(self) -> int:
        return sum(self._pending.values())

    async def flush(self) -> None:
        """Write every pending count. A failed write puts the counts back for the next flush."""
        async with self._flush_lock:
            batch, self._pending = self._pending, Counter()
            if not batch:
                return
            try:
                async with self.db.transaction() as conn:
                    await conn.executemany(
                        "INSERT INTO lookup_misses (guild_id, query, count) VALUES (?, ?, ?)"
                        " ON CONFLICT (guild_id, query) DO UPDATE SET count = lookup_misses.count + excluded.count",
                        [(g, q, n) for (g, q), n in batch.items()],
                    )
            except BaseException:
                self._pending.update(batch)
                raise

    async def top(self, guild_id: int, limit: int = 15) -> list[tuple[str, int]]:
        await self.flush()
        rows = await self.db.fetchall(
            "SELECT query, count FROM lookup_misses WHERE guild_id = ? ORDER BY count DESC, query LIMIT ?",
            (guild_id, limit),
        )
        return [(r["query"], r["count"]) for r in rows]
