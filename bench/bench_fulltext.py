"""/search in-process: p50 / p99 of `Glossary.search_text` at 10k and 100k terms.

    python bench/bench_fulltext.py            # 10k and 100k
    python bench/bench_fulltext.py --quick    # 10k only

Terms are synthetic (fixed seed): Chinese names, English names, and definitions of 40–120 characters
drawn from the glossary's own vocabulary, so common words hit many terms, as real queries do. They
are written with their search keys next to the shipped glossary and indexed as at start-up; a tenth
belong to server 1 and a tenth to server 2, and queries come from server 1, so the visibility
filter drops some hits. Queries: a quarter each 4-character Chinese substrings of definitions,
2-character Chinese (the short-query path), English words, and names. Times are for the whole of
`Glossary.search_text` (name hits from the search index, the SQLite FTS5 query, the visibility
filter), with the collector frozen after start-up as the bot does; no Discord.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_search import CJK, synthetic_terms  # noqa: E402
from bot.core.glossary import Glossary  # noqa: E402
from bot.core.models import Category, Term  # noqa: E402
from bot.core.store import term_values  # noqa: E402

QUERIES = 400
KINDS = ("4 zh", "2 zh", "en word", "name")
ASKING_GUILD = 1


def definition(rng: random.Random) -> str:
    return "".join(rng.choice(CJK) for _ in range(rng.randint(40, 120))) + "。"


def synthetic_rows(n: int, rng: random.Random) -> tuple[list[dict], list[tuple[str, str, str]]]:
    rows, texts = [], []
    for i, (zh, en, aliases) in enumerate(synthetic_terms(n, rng)):
        text = definition(rng)
        guild_id = i % 10 if i % 10 in (1, 2) else 0  # a tenth each for servers 1 and 2
        term = Term(id=f"syn-{i}", term=zh, en=en, aliases=aliases, category=Category.CONCEPT, summary=text[:30],
                    definition=text, example="", guild_id=guild_id)
        rows.append(term_values(term))
        texts.append((zh, en, text))
    return rows, texts


async def fill(glossary: Glossary, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    rows, texts = synthetic_rows(n, rng)
    columns = list(rows[0])
    async with glossary.db.transaction() as conn:
        await conn.executemany(
            f"INSERT INTO terms ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", rows)
    await glossary.rebuild_index()
    return texts


def make_queries(terms, rng: random.Random) -> list[str]:
    queries = []
    for i in range(QUERIES):
        zh, en, text = rng.choice(terms)
        start = rng.randrange(0, len(text) - 5)
        queries.append([text[start:start + 4], text[start:start + 2], en.split()[0].lower(), zh][i % 4])
    return queries


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[int(len(ordered) * 0.99) - 1]


async def measure(n: int) -> dict:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        glossary, _ = await Glossary.open(Path(tmp) / "bench.db", REPO / "data")
        terms = await fill(glossary, n, rng)
        gc.collect()
        gc.freeze()  # as the bot does once start-up is done
        times: list[float] = []
        by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
        hits = []
        for i, query in enumerate(make_queries(terms, rng)):
            started = time.perf_counter()
            found = await glossary.search_text(query, ASKING_GUILD)
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            by_kind[KINDS[i % 4]].append(elapsed)
            hits.append(len(found))
        await glossary.close()
        gc.unfreeze()
    return {"n": n, "p50": statistics.median(times), "p99": p99(times), "median hits": statistics.median(hits),
            "kinds": {k: (statistics.median(v), max(v)) for k, v in by_kind.items()}}


def main() -> None:
    sizes = [10_000] if "--quick" in sys.argv else [10_000, 100_000]
    print("| terms | /search p50 | /search p99 | median results | p50 / max by query: "
          + " · ".join(KINDS) + " |")
    print("|---|---|---|---|---|")
    for n in sizes:
        r = asyncio.run(measure(n))
        kinds = " · ".join(f"{p50:.2f} / {worst:.2f}" for p50, worst in r["kinds"].values())
        print(f"| {n:,} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | {r['median hits']:.0f} | {kinds} ms |", flush=True)


if __name__ == "__main__":
    main()
