"""One batched writer for everything counted on the lookup path.

A lookup never waits on a write: a feature that counts something registers a `Tally` (its table
and key columns) and adds to it in memory; the writer flushes every tally's pending counts in one
transaction, on a timer and on stop. Gaps (misses per server, gaps.py) and lookups per term and per
day (stats.py) are tallies:

    lookups = writer.tally("lookup_counts", ("guild_id", "slug"))
    lookups.add((guild_id, slug))

A tally's table needs a primary key or unique index on its key columns and an integer `count`.
A tally may ask to hear what was written (`after`): it is called with each batch once committed,
so per-term lookup counts re-rank the empty autocomplete box of the servers they came from.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable, Sequence

from bot.core.db import Database

log = logging.getLogger(__name__)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
FLUSH_SECONDS = 10.0
Batch = Counter[tuple[Hashable, ...]]


class Tally:
    """Pending counts for one table, keyed by a tuple of its key columns' values."""

    def __init__(self, table: str, columns: Sequence[str],
                 after: Callable[[Batch], Awaitable[None]] | None = None):
        for name in (table, *columns):
            if not _NAME.match(name):
                raise ValueError(f"not a plain SQL name: {name!r}")
        self.table = table
        self.columns = tuple(columns)
        self.after = after  # told each batch once it is committed
        self.pending: Batch = Counter()
        names = ", ".join(self.columns)
        self.sql = (
            f"INSERT INTO {table} ({names}, count) VALUES ({', '.join('?' * (len(self.columns) + 1))})"
            f" ON CONFLICT ({names}) DO UPDATE SET count = {table}.count + excluded.count"
        )

    def add(self, key: tuple[Hashable, ...], n: int = 1) -> None:
        if len(key) != len(self.columns):
            raise ValueError(f"{self.table}: key {key!r} does not match columns {self.columns}")
        self.pending[key] += n

    def take(self) -> Batch:
        batch, self.pending = self.pending, Counter()
        return batch

    def put_back(self, batch: Batch) -> None:
        self.pending.update(batch)


class BatchedWriter:
    """Flushes every registered tally in one transaction: on a timer, on demand and on stop."""

    def __init__(self, db: Database, *, interval: float = FLUSH_SECONDS,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.db = db
        self.interval = interval
        self._sleep = sleep
        self._tallies: dict[str, Tally] = {}
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def tally(self, table: str, columns: Sequence[str],
              after: Callable[[Batch], Awaitable[None]] | None = None) -> Tally:
        """The tally for `table`, created on first use; one per table. `after` hears each written batch."""
        existing = self._tallies.get(table)
        if existing is not None:
            if existing.columns != tuple(columns):
                raise ValueError(f"{table} is already counted by {existing.columns}")
            return existing
        self._tallies[table] = Tally(table, columns, after)
        return self._tallies[table]

    @property
    def pending(self) -> int:
        return sum(sum(t.pending.values()) for t in self._tallies.values())

    async def flush(self) -> None:
        """Write every pending count; a failed write puts the counts back for the next flush."""
        async with self._lock:
            batches = [(t, t.take()) for t in self._tallies.values()]
            batches = [(t, b) for t, b in batches if b]
            if not batches:
                return
            try:
                async with self.db.transaction() as conn:
                    for tally, batch in batches:
                        await conn.executemany(tally.sql, [(*key, n) for key, n in batch.items()])
            except BaseException:
                for tally, batch in batches:
                    tally.put_back(batch)
                raise
            await self._tell(batches)

    @staticmethod
    async def _tell(batches: list[tuple[Tally, Batch]]) -> None:
        """Hand each committed batch to its tally's `after` (under the lock, so they arrive in order)."""
        for tally, batch in batches:
            if tally.after is not None:
                try:
                    await tally.after(batch)
                except Exception:  # the counts are written; only what follows from them is late
                    log.exception("after writing %s", tally.table)

    def start(self) -> None:
        """Flush every `interval` seconds until stop()."""
        if self._task is None or self._task.done():
            self._stopping.clear()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="batched-writer")

    async def stop(self) -> None:
        """Stop the timer, then write what is still pending: counts are exact after a clean stop.

        The timer is never cancelled mid-flush (that could leave a transaction open): it is told
        to stop, finishes what it is writing, and the last flush follows."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping.set()
            await task
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            sleeper = asyncio.ensure_future(self._sleep(self.interval))
            stopper = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            sleeper.cancel()
            stopper.cancel()
            if self._stopping.is_set():
                return
            try:
                await self.flush()
            except Exception:  # kept pending; the next flush tries again
                log.exception("writing lookup counts failed; they stay pending")
