"""What a server reads: lookups per term and per day, for /glossary stats, the empty autocomplete
box and /browse by popularity.

Only counts are kept, never who looked: per server, how often each term was looked up, and how
many lookups there were each day (UTC dates from the bot's clock). Lookups through a user's own
install (guild 0) are not counted. Counting never makes a lookup wait: record() adds to two
tallies of the shared BatchedWriter (core/counters.py), written on a timer, before stats are
read, and on stop. Each write re-ranks the empty autocomplete box of the servers it came from,
from their counts in the database (search.py `set_lookups`); other servers are not touched.
Per-day totals are kept for the chart only: when a new day's counts are written, days that fell
out of the chart are deleted, for every server (in the writer, which is never cancelled mid-write).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.core.counters import Batch, BatchedWriter
from bot.core.gaps import Gaps
from bot.core.glossary import Glossary
from bot.core.popular import LOOKED_UP_KEPT

CHART_DAYS = 30  # the chart, and how long per-day totals are kept
TOP_TERMS = 10
TOP_MISSES = 5
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class StatsReport:
    terms: list[tuple[str, int]]  # (name as this server sees it, lookups), most looked up first
    misses: list[tuple[str, int]]  # (normalised query, count), from the gaps store
    days: list[tuple[date, int]]  # the last CHART_DAYS days, oldest first, days without lookups as 0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.days)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.misses and not self.total


def sparkline(values: list[int]) -> str:
    """One block per value, as tall as its share of the largest (█); ▁ only for nothing."""
    peak = max(values, default=0)
    levels = len(SPARKS)

    def block(n: int) -> str:
        if n <= 0:
            return SPARKS[0]
        return SPARKS[max(1, -(-n * levels // peak) - 1)]  # ceil(n / peak · 8) - 1, above ▁

    return "".join(map(block, values))


def utc_day(when: datetime) -> date:
    return when.astimezone(UTC).date()


def chart_days(now: datetime) -> list[date]:
    """The CHART_DAYS days (UTC) up to the one `now` is in, oldest first."""
    today = utc_day(now)
    return [today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1)]


class LookupStats:
    def __init__(self, glossary: Glossary, writer: BatchedWriter, gaps: Gaps):
        self.glossary = glossary
        self.db = glossary.db
        self.writer = writer
        self.gaps = gaps
        self._terms = writer.tally("lookup_counts", ("guild_id", "slug"), after=self._rerank)
        self._days = writer.tally("lookup_days", ("guild_id", "day"), after=self._prune)
        self._pruned_before = ""  # days before this one (ISO) are already deleted

    def record(self, guild_id: int, slug: str, when: datetime) -> None:
        """One lookup of a term in a server (guild 0, a user's own install, is not counted)."""
        if guild_id and slug:
            self._terms.add((guild_id, slug))
            self._days.add((guild_id, utc_day(when).isoformat()))

    async def load(self) -> None:
        """At start-up: every server's most looked-up terms into the empty autocomplete box."""
        rows = await self.db.fetchall(
            "SELECT guild_id, slug, count FROM (SELECT guild_id, slug, count, ROW_NUMBER() OVER"
            " (PARTITION BY guild_id ORDER BY count DESC, slug) AS place FROM lookup_counts) AS ranked"
            " WHERE place <= ?",
            (LOOKED_UP_KEPT,),
        )
        by_guild: defaultdict[int, dict[str, int]] = defaultdict(dict)
        for row in rows:
            by_guild[row[0]][row[1]] = row[2]
        for guild_id, counts in by_guild.items():
            self.glossary.index.set_lookups(guild_id, counts)

    async def _rerank(self, batch: Batch) -> None:
        """After a write: the servers in it re-rank from their counts in the database."""
        for guild_id in {key[0] for key in batch}:
            top = await self._top(guild_id, LOOKED_UP_KEPT)  # type: ignore[arg-type]
            self.glossary.index.set_lookups(guild_id, dict(top))  # type: ignore[arg-type]

    async def _top(self, guild_id: int, limit: int) -> list[tuple[str, int]]:
        rows = await self.db.fetchall(
            "SELECT slug, count FROM lookup_counts WHERE guild_id = ? ORDER BY count DESC, slug LIMIT ?",
            (guild_id, limit),
        )
        return [(r[0], r[1]) for r in rows]

    async def counts(self, guild_id: int) -> dict[str, int]:
        """Every term's lookups in this server (slug → count), pending ones included."""
        if not guild_id:
            return {}
        await self.writer.flush()
        rows = await self.db.fetchall("SELECT slug, count FROM lookup_counts WHERE guild_id = ?", (guild_id,))
        return {r[0]: r[1] for r in rows}

    async def report(self, guild_id: int, now: datetime) -> StatsReport:
        """Top terms, top misses and lookups on each of the last CHART_DAYS days (UTC) up to `now`."""
        await self.writer.flush()
        terms = [(self._name(guild_id, slug), n) for slug, n in await self._top(guild_id, TOP_TERMS)]
        misses = await self.gaps.top(guild_id, TOP_MISSES)
        days = chart_days(now)
        rows = await self.db.fetchall(
            "SELECT day, count FROM lookup_days WHERE guild_id = ? AND day >= ? AND day <= ?",
            (guild_id, days[0].isoformat(), days[-1].isoformat()),
        )
        per_day = {str(r[0]): r[1] for r in rows}
        return StatsReport(terms, misses, [(d, per_day.get(d.isoformat(), 0)) for d in days])

    def _name(self, guild_id: int, slug: str) -> str:
        """The term's name in this server; its id if it is no longer there (removed or hidden)."""
        entry = self.glossary.index.visible_entry(slug, guild_id)
        return entry.term if entry is not None else slug

    async def _prune(self, batch: Batch) -> None:
        """After a write of day totals: delete the days before the chart of the latest day written."""
        latest = date.fromisoformat(max(str(key[1]) for key in batch))
        cutoff = (latest - timedelta(days=CHART_DAYS - 1)).isoformat()
        if cutoff > self._pruned_before:
            async with self.db.transaction() as conn:
                await conn.execute("DELETE FROM lookup_days WHERE day < ?", (cutoff,))
            self._pruned_before = cutoff
