"""A cProfile dump summarised by where the time went: discord.py, search, cards, database, …"""

from __future__ import annotations

import pstats
from pathlib import Path

# First match wins: (group, path fragments).
GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("search (index, keys, normalise, rapidfuzz, pypinyin, opencc)",
     ("bot/core/search.py", "bot/core/key_table.py", "bot/core/keys.py", "bot/core/normalize.py",
      "bot/core/popular.py", "rapidfuzz", "pypinyin", "opencc")),
    ("card building (card, embeds, views, i18n)",
     ("bot/core/card.py", "bot/ui/", "bot/core/i18n.py", "bot/core/text.py", "bot/core/sources.py")),
    ("database (aiosqlite, store, rows)", ("aiosqlite", "sqlite3", "bot/core/store.py", "bot/core/db.py",
                                            "bot/core/models.py", "bot/core/counters.py", "bot/core/gaps.py")),
    ("bot: cogs and lookup service", ("bot/",)),
    ("discord.py", ("/discord/",)),
    ("aiohttp, yarl, multidict (HTTP and websocket)", ("aiohttp", "yarl", "multidict", "propcache")),
    ("JSON (json, orjson)", ("json", "orjson")),
    ("asyncio event loop, sockets, selectors", ("asyncio", "selectors", "socket", "ssl")),
]


def group_of(filename: str, function: str) -> str:
    where = filename if filename != "~" else function
    for group, fragments in GROUPS:
        if any(f in where for f in fragments):
            return group
    return "other (builtins, logging, enum, …)"


def summarise_profile(path: Path) -> list[tuple[str, float]]:
    """(group, share of self time), largest first. A builtin's time (len, socket.send, …) goes to
    the groups of the functions that called it, in proportion to what each call cost."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, callers) in stats.items():
        if filename == "~" and callers:
            weights = {caller: max(c[3], 1e-12) for caller, c in callers.items()}
            whole = sum(weights.values())
            for (c_file, _l, c_function), weight in weights.items():
                group = group_of(c_file, c_function)
                totals[group] = totals.get(group, 0.0) + tottime * weight / whole
        else:
            group = group_of(filename, function)
            totals[group] = totals.get(group, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return sorted(((g, t / whole) for g, t in totals.items()), key=lambda x: -x[1])
