"""「解释术语」 at scale: scanning a 2,000-character message against 100k terms, and the memory it takes.

    python bench/bench_matcher.py              # 100,000 terms in one server + the shipped glossary
    python bench/bench_matcher.py --terms 10000

The parent writes the synthetic terms (bench_search's generator, all in one server, so that
server's matcher holds every one of them) into a temporary SQLite database. A fresh child
process then opens the glossary as `python -m bot` does, builds the matchers with the first
message, and times `Glossary.mentions(message, server)`: the whole path the context menu runs
(folding, the Aho–Corasick scan of the shipped and the server's automaton, the firing rules,
visibility, index entries). Reported: p50 / p99 per message, the process's resident memory
after start-up and after the matchers are built, and what a rebuild after a write costs: how
long the asker waits and the event loop's longest pause meanwhile.

Two kinds of 2,000-character message:
- chat: ordinary Chinese and English filler with about 20 term names (shipped and synthetic)
  mixed in, like a real message that needs explaining;
- dense: nothing but the characters the synthetic names are made of, so matches start at almost
  every position (a worst case no real message reaches).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_search import CJK, synthetic_terms  # noqa: E402

MESSAGE_CHARS = 2000
MESSAGES = 300
SERVER = 1
FILLER_ZH = "我们今天在群里讨论了一下这个问题大家觉得还是要多试几次才知道效果怎么样如果不行的话就换一个方法吧" \
            "其实也没有那么难只是需要一点耐心而已昨天晚上跑了一整夜结果还是不太满意明天再看看"
FILLER_EN = ["the", "result", "looks", "better", "after", "I", "changed", "settings", "and", "tried", "again",
             "with", "more", "steps", "but", "it", "still", "feels", "off", "time", "maybe", "tomorrow"]


def chat_message(names: list[str], rng: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < MESSAGE_CHARS:
        roll = rng.random()
        if roll < 0.04:
            piece = rng.choice(names)
        elif roll < 0.5:
            start = rng.randrange(len(FILLER_ZH) - 12)
            piece = FILLER_ZH[start:start + rng.randint(4, 12)] + "，"
        else:
            piece = " ".join(rng.choice(FILLER_EN) for _ in range(rng.randint(2, 6))) + ". "
        parts.append(piece)
        size += len(piece)
    return "".join(parts)[:MESSAGE_CHARS]


def dense_message(rng: random.Random) -> str:
    return "".join(rng.choice(CJK) for _ in range(MESSAGE_CHARS))


async def write_database(db_path: Path, n: int) -> None:
    from bot.core.glossary import Glossary
    from bot.core.models import Category, Term
    from bot.core.store import term_values

    glossary, _ = await Glossary.open(db_path, REPO / "data")
    rng = random.Random(20261125)
    rows = [term_values(Term(id=f"t{i}", term=zh, en=en, aliases=aliases, category=Category.CONCEPT,
                             summary=f"合成词条 {i}", definition=f"用于测试的合成词条 {i}。", guild_id=SERVER))
            for i, (zh, en, aliases) in enumerate(synthetic_terms(n, rng))]
    async with glossary.db.transaction() as conn:
        await conn.executemany(
            f"INSERT INTO terms ({', '.join(rows[0])}) VALUES ({', '.join(':' + k for k in rows[0])})", rows)
    await glossary.close()


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def timed_ms(glossary, messages: list[str]) -> tuple[list[float], int]:
    samples, found = [], 0
    for text in messages:
        start = time.perf_counter()
        found += len(glossary.mentions(text, SERVER))
        samples.append((time.perf_counter() - start) * 1000)
    return samples, found


def p50_p99(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[98]


async def child(db_path: str) -> None:
    import bot.client  # noqa: F401  (every module the running bot has loaded)
    from bot.core.glossary import Glossary
    from bot.core.memory import release_free_memory

    glossary, _ = await Glossary.open(db_path, REPO / "data")
    gc.collect()
    gc.freeze()  # as the bot does once start-up is done
    after_start = resident_mb()
    start = time.perf_counter()
    glossary.mentions("炸炉了，LoRA 重新训练", SERVER)  # builds the shipped and the server's automaton
    build_s = time.perf_counter() - start
    release_free_memory()  # what the build left free goes back, as after start-up
    after_build = resident_mb()
    rng = random.Random(7)
    step = max(1, len(glossary.index) // 2000)
    names = [e.term for e in itertools.islice(glossary.index.entries(), 0, None, step)]
    chat = [chat_message(names, rng) for _ in range(MESSAGES)]
    dense = [dense_message(rng) for _ in range(MESSAGES)]
    for kind, messages in (("chat", chat), ("dense", dense)):
        samples, found = timed_ms(glossary, messages)
        p50, p99 = p50_p99(samples)
        print(f"| {kind} | {len(glossary.index):,} | {p50:.3f} ms | {p99:.3f} ms | {found / len(messages):.1f} |")
    print(f"matchers built in {build_s:.2f} s; resident {after_start:.0f} MB after start-up, "
          f"{after_build:.0f} MB with the matchers built, {resident_mb():.0f} MB at the end")
    await rebuild_after_a_write(glossary)
    await glossary.close()


async def rebuild_after_a_write(glossary) -> None:
    """A write in the big server makes its automaton stale: how long the next 「解释术语」 waits for
    the rebuild (`prepare_mentions`), and the event loop's longest pause meanwhile, seen by a
    coroutine that yields every millisecond (another member's interaction, say)."""
    entry = next(e for e in glossary.index.entries() if e.guild_id == SERVER)
    glossary.forget(entry.uid)  # as a removal does; the automaton is stale now
    pauses: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            pauses.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    start = time.perf_counter()
    await glossary.prepare_mentions(SERVER)
    waited = time.perf_counter() - start
    ticking.cancel()
    other = next(e for e in glossary.index.entries() if e.guild_id == SERVER)
    glossary.forget(other.uid)
    start = time.perf_counter()
    glossary.mentions("炸炉了", SERVER)  # the same rebuild inline, as before: the loop stops for all of it
    inline = time.perf_counter() - start
    print(f"rebuild after a write: the asker waits {waited:.2f} s; longest event-loop pause meanwhile "
          f"{max(pauses) * 1000:.0f} ms (a tick every 1 ms asked); built inline instead: {inline:.2f} s, "
          f"all of it a pause")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--terms", type=int, default=100_000, help="synthetic terms in the one server")
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.child))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "glossary.db"
        asyncio.run(write_database(db_path, args.terms))
        print(f"{args.terms:,} synthetic terms in one server + the shipped glossary; "
              f"{MESSAGES} messages of {MESSAGE_CHARS:,} characters per kind")
        print("| message | terms in the index | p50 | p99 | terms found per message |\n|---|---|---|---|---|")
        subprocess.run([sys.executable, __file__, "--child", str(db_path)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
