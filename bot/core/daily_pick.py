"""The daily pick, cached per server so a post costs the same whatever the pool's size.

`pick_term` (bot/core/daily.py) is the rule: the term with the lowest rank among the pool's
terms not yet shown in the current cycle. Applying it afresh hashes every term of the pool for
every post. `DailyPicker` keeps, per server, the current cycle's remaining terms already in rank
order and a cursor into them: a post takes the term at the cursor and moves it on. The order is
computed once per cycle (or after the pool changed, or something surprising happened), from the
current cycle's history alone; in between, a pick is an index.
"""

from __future__ import annotations

import heapq
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from bot.core.daily import rank

Pool = Callable[[int], set[str]]
PoolVersion = Callable[[int], Hashable]  # changes whenever the server's pool may have changed
History = Callable[[int], Awaitable[tuple[int, set[str]]]]  # → (current cycle, terms shown in it)
WINDOW = 4096  # terms kept in order per server; a bigger pool is re-ranked once per WINDOW posts


@dataclass(slots=True)
class _Order:
    version: Hashable
    cycle: int
    remaining: list[str]  # the cycle's terms not yet shown, best first (the first WINDOW of them)
    truncated: bool  # more terms remain in this cycle than `remaining` holds
    cursor: int = 0


class DailyPicker:
    def __init__(self, pool: Pool, history: History, version: PoolVersion | None = None):
        self._pool = pool
        self._history = history
        self._version = version or (lambda guild_id: frozenset(pool(guild_id)))
        self._orders: dict[int, _Order] = {}

    async def peek(self, guild_id: int) -> tuple[str, int] | None:
        """(slug, cycle) the next post gets, exactly what pick_term would say; None for an empty pool."""
        order = self._orders.get(guild_id)
        version = self._version(guild_id)
        used_up = order is not None and order.cursor >= len(order.remaining)
        if order is None or order.version != version or (used_up and order.truncated):
            order = await self._load(guild_id, version)
        elif used_up:  # the cycle is over: a new one over the whole pool
            order = self._start(guild_id, version, order.cycle + 1, self._pool(guild_id))
        if not order.remaining:
            return None
        return order.remaining[order.cursor], order.cycle

    def taken(self, guild_id: int, slug: str, cycle: int) -> None:
        """The picked term was claimed: move the cursor on (or start over if it wasn't ours)."""
        order = self._orders.get(guild_id)
        if order is not None and order.cycle == cycle and order.cursor < len(order.remaining) \
                and order.remaining[order.cursor] == slug:
            order.cursor += 1
        else:
            self.forget(guild_id)

    def forget(self, guild_id: int) -> None:
        """Recompute from the history next time (a failed post showed nothing; a claim was lost)."""
        self._orders.pop(guild_id, None)

    async def _load(self, guild_id: int, version: Hashable) -> _Order:
        cycle, shown = await self._history(guild_id)
        pool = self._pool(guild_id)
        remaining = pool - shown
        if not remaining:
            cycle, remaining = cycle + 1, pool
        return self._start(guild_id, version, cycle, remaining)

    def _start(self, guild_id: int, version: Hashable, cycle: int, slugs: set[str]) -> _Order:
        def key(slug: str) -> bytes:
            return rank(guild_id, cycle, slug)

        truncated = len(slugs) > WINDOW
        ranked = heapq.nsmallest(WINDOW, slugs, key=key) if truncated else sorted(slugs, key=key)
        order = self._orders[guild_id] = _Order(version, cycle, ranked, truncated)
        return order
