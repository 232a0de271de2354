"""PostgreSQL against SQLite: /define, autocomplete and /search per query, a write in one process
reaching another's search, and start-up with 100k stored terms.

    LIANDAN_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5433/postgres python bench/bench_postgres.py
    ... python bench/bench_postgres.py --quick     # skip the 100k start-up

The URL is an administrator's (bench databases are created and dropped); `.ci/postgres.sh` starts a
throwaway cluster that fits. Queries are the shipped glossary's names, English names, a typo of
each and prefixes, 1,000 of each kind of call; times are in-process, no Discord.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_search import _write_synthetic_db, shipped_terms, typo  # noqa: E402
from bot.core.glossary import Glossary  # noqa: E402
from bot.core.moderation import GuildGlossary  # noqa: E402
from tests.support.postgres import create_database, drop_database  # noqa: E402

CALLS = 1000
WRITES = 30


def pct(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


async def timed(call, args: list) -> tuple[float, float]:
    samples = []
    for arg in args:
        start = time.perf_counter()
        result = call(arg)
        if asyncio.iscoroutine(result):
            await result
        samples.append(time.perf_counter() - start)
    return pct(samples)


def workload(rng: random.Random) -> dict[str, list[str]]:
    names = [n for zh, en, _ in shipped_terms() for n in (zh, en) if n]
    picks = [rng.choice(names) for _ in range(CALLS)]
    return {
        "define": [typo(p, rng) if i % 2 else p for i, p in enumerate(picks)],
        "autocomplete": [p[: max(1, len(p) // 2)] for p in picks],
        "search": [rng.choice(["噪点", "学习率", "模型", "采样", "LoRA", "prompt", "显存", "训练"]) for _ in range(CALLS)],
    }


async def per_query(target, queries: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    glossary, _ = await Glossary.open(target, REPO / "data")
    try:
        await glossary.define("炸炉")  # warm caches and prepared statements alike
        return {
            "define": await timed(glossary.define, queries["define"]),
            "autocomplete": await timed(glossary.complete, queries["autocomplete"]),
            "search": await timed(glossary.search_text, queries["search"]),
        }
    finally:
        await glossary.close()


async def cross_process(url: str) -> tuple[float, float]:
    """From a committed add in one Glossary (own pool) to the term being findable in another's index."""
    writer, _ = await Glossary.open(url, REPO / "data")
    reader, _ = await Glossary.open(url, REPO / "data")
    samples = []
    try:
        guilds = GuildGlossary(writer)
        for i in range(WRITES):
            name = f"跨进程{i}"
            await guilds.add(7, {"term": name, "en": f"cross {i}", "category": "slang", "summary": "摘要。",
                                 "definition": "定义。"}, 1)
            start = time.perf_counter()
            while (await reader.define(name, 7)).status != "found":
                await asyncio.sleep(0.0005)
            samples.append(time.perf_counter() - start)
    finally:
        await writer.close()
        await reader.close()
    return pct(samples)


async def startup(target) -> float:
    start = time.perf_counter()
    glossary, _ = await Glossary.open(target, REPO / "data")
    elapsed = time.perf_counter() - start
    await glossary.close()
    return elapsed


async def main(quick: bool) -> None:
    queries = workload(random.Random(20261125))
    url = create_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = await per_query(Path(tmp) / "g.db", queries)
            postgres = await per_query(url, queries)
        print("| call | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms | ratio p50 / p99 |\n|---|---|---|---|")
        for call, (s50, s99) in sqlite.items():
            p50, p99 = postgres[call]
            print(f"| {call} | {s50:.3f} / {s99:.3f} | {p50:.3f} / {p99:.3f} | {p50 / s50:.2f}× / {p99 / s99:.2f}× |")
        c50, cmax = await cross_process(url)
        print(f"\ncross-process write → other's search: p50 {c50:.1f} ms, p99 {cmax:.1f} ms ({WRITES} writes)")
    finally:
        drop_database(url)
    if quick:
        return
    url = create_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "big.db"
            await _write_synthetic_db(db_path, 100_000)
            await _write_synthetic_db(url, 100_000)
            print("\nstart-up with 100,302 stored terms (open, sync check, index build):")
            for label, target in (("SQLite", db_path), ("PostgreSQL", url)):
                times = [await startup(target) for _ in range(3)]
                print(f"  {label}: best {min(times):.2f} s, median {statistics.median(times):.2f} s of 3")
    finally:
        drop_database(url)


if __name__ == "__main__":
    asyncio.run(main("--quick" in sys.argv))
