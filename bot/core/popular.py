"""What an empty autocomplete box shows: each server's terms, best first, kept sorted as they change.

First the terms this server looked up most (`by_lookups`): lookup count, then priority. Its
counts are its own (a shipped term looked up in one server moves in that server only), so they
are not part of the shared lists below; each server keeps only its LOOKED_UP_KEPT most looked-up
terms in memory, replaced when its counts are written (core/stats.py), never touching another
server's.

Then the rest by rank: one `RankedEntries` list holds the shipped terms and one list per server
holds that server's own terms, each kept in rank order on every write (a bisect, no re-sort), so
a server's top 25 is a merge of two short walks and never touches another server's entries.
Rank = (-priority, shorter name, older uid).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Protocol

# The box shows 25; a few more cover terms the server has since hidden or removed.
LOOKED_UP_KEPT = 50


class Ranked(Protocol):
    uid: int
    slug: str
    term: str
    priority: int


RankKey = tuple[int, int, int]


def by_lookups(entries: Iterable[Ranked], counts: Mapping[str, int]) -> list[Ranked]:
    """Looked-up terms, most looked up first, then by priority, shorter name, older uid."""
    return sorted(entries, key=lambda e: (-counts[e.slug], -e.priority, len(e.term), e.uid))


class RankedEntries:
    """Entries sorted by a rank key; the key is computed on demand, never stored per entry."""

    def __init__(self, key: Callable[[Ranked], RankKey]):
        self._key = key
        self._items: list[Ranked] = []
        self._sorted = True

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Ranked]:
        self.settle()
        return iter(self._items)

    def add(self, entry: Ranked, *, bulk: bool = False) -> None:
        """Insert in rank order; bulk appends and leaves one sort for the first read."""
        if bulk:
            self._items.append(entry)
            self._sorted = False
            return
        self.settle()
        bisect.insort(self._items, entry, key=self._key)

    def remove(self, entry: Ranked) -> None:
        """Remove `entry`, which must still rank where it was inserted (its key must not have changed)."""
        self.settle()
        items, key = self._items, self._key(entry)
        i = bisect.bisect_left(items, key, key=self._key)
        while i < len(items) and items[i] is not entry and self._key(items[i]) == key:
            i += 1
        if i < len(items) and items[i] is entry:
            del items[i]

    def settle(self) -> None:
        """Sort what bulk adds left unsorted (the index does it once, at the end of start-up)."""
        if not self._sorted:
            self._items.sort(key=self._key)
            self._sorted = True


def top(lists: list[RankedEntries], key: Callable[[Ranked], RankKey],
        keep: Callable[[Ranked], bool], limit: int) -> list[Ranked]:
    """The first `limit` entries over several ranked lists that `keep` accepts."""
    out: list[Ranked] = []
    if limit <= 0:
        return out
    for entry in heapq.merge(*lists, key=key):
        if keep(entry):
            out.append(entry)
            if len(out) >= limit:
                break
    return out
