"""/search in-process: p50 / p99 of the full-text query at 10k and 100k terms.

    python bench/bench_fulltext.py            # 10k and 100k
    python bench/bench_fulltext.py --quick    # 10k only

Terms are synthetic (fixed seed): Chinese names, English names, and definitions of 40–120 characters
drawn from the glossary's own vocabulary, so common words hit many terms, as real queries do.
Queries: a quarter each 4-character Chinese substrings of definitions, 2-character Chinese
(the short-query path), English words, and names. Times are for the SQLite query plus the
visibility filter, as Glossary.search_text runs them; no Discord.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_search import CJK, synthetic_terms  # noqa: E402
from bot.core import fulltext  # noqa: E402
from bot.core.db import Database  # noqa: E402

QUERIES = 400


def definition(rng: random.Random) -> str:
    return "".join(rng.choice(CJK) for _ in range(rng.randint(40, 120))) + "。"


async def fill(db: Database, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    rows = []
    for i, (zh, en, aliases) in enumerate(synthetic_terms(n, rng)):
        text = definition(rng)
        rows.append((0, f"t{i}", zh, en, json.dumps(aliases, ensure_ascii=False), "concept", text[:30], text, "",
                     "h", "", fulltext.fts_chars(zh, en, *aliases, text[:30], text)))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO terms (guild_id, slug, term, en, aliases, category, summary, definition, example,"
            " content_hash, search_keys, fts_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return [(r[2], r[3], r[7]) for r in rows]


def make_queries(terms, rng: random.Random) -> list[str]:
    queries = []
    for i in range(QUERIES):
        zh, en, text = rng.choice(terms)
        start = rng.randrange(0, len(text) - 5)
        queries.append([text[start:start + 4], text[start:start + 2], en.split()[0].lower(), zh][i % 4])
    return queries


async def measure(n: int) -> dict:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        terms = await fill(db, n, rng)
        backend = fulltext.SqliteFullText(db)
        visible = {i: True for i in range(n + 10)}.get
        times, hits = [], []
        for query in make_queries(terms, rng):
            started = time.perf_counter()
            found = await fulltext.search(backend, query, 0, lambda uid: visible(uid, False))
            times.append((time.perf_counter() - started) * 1000)
            hits.append(len(found))
        await db.close()
    times.sort()
    return {"n": n, "p50": statistics.median(times), "p99": times[int(len(times) * 0.99) - 1],
            "median hits": statistics.median(hits)}


def main() -> None:
    sizes = [10_000] if "--quick" in sys.argv else [10_000, 100_000]
    print("| terms | /search p50 | /search p99 | median results |")
    print("|---|---|---|---|")
    for n in sizes:
        r = asyncio.run(measure(n))
        print(f"| {n:,} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | {r['median hits']:.0f} |")


if __name__ == "__main__":
    main()
