"""Search speed: p50/p99 of autocomplete and /define lookups, against two baselines.

    python bench/bench_search.py            # 300 (shipped), 10k and 100k terms
    python bench/bench_search.py --quick    # shipped and 10k only

Baselines, measured in the same run over the same names:
  (a) rapidfuzz.process.extract with its default scorer (WRatio) over all names and aliases;
  (b) a plain fuzz.ratio scan over all normalised keys.
The large sizes are synthetic, mixed Chinese and English, generated from a fixed seed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.core.keys import TermKeys, compute_keys  # noqa: E402
from bot.core.loader import load_glossary  # noqa: E402
from bot.core.normalize import normalize  # noqa: E402
from bot.core.search import IndexEntry, SearchIndex  # noqa: E402

CJK = "炼丹炉炸废模型训练提示词负面采样种子重绘幅度相关性图生文局部放大高清修复风格角色光影构图色彩线稿上色渲染写实动漫二次元" \
      "插画概念场景人物服装表情背景细节质感材质纹理透视比例姿势动作镜头景深曝光对比饱和锐化噪点像素分辨率权重融合蒸馏量化"
BUILDS = 3  # index builds timed per size: this shared machine's noise is larger than the cost of a rebuild
SYLLABLES = ["ka", "ri", "to", "mo", "lan", "vex", "dif", "sion", "net", "gra", "phi", "tor", "lux", "bra", "quin", "zel",
             "mor", "tek", "sa", "dun", "pel", "rho", "vim", "cor", "ul", "fen", "gis", "hal", "jor", "kel", "nim", "ost",
             "pra", "ryu", "sel", "tam", "uma", "wex", "yor", "zan"]


def synthetic_terms(n: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    terms = []
    for i in range(n):
        zh = "".join(rng.choice(CJK) for _ in range(rng.randint(2, 4))) + (str(i % 97) if rng.random() < 0.3 else "")
        en = " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(1, 2)))
        aliases = [en.replace(" ", "")[: rng.randint(2, 5)].upper()] if rng.random() < 0.5 else []
        terms.append((f"{zh}{i}" if rng.random() < 0.1 else zh, en.title(), aliases))
    return terms


def shipped_terms() -> list[tuple[str, str, list[str]]]:
    return [(t.term, t.en, t.aliases) for t in load_glossary(REPO / "data")]


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]  # swap two neighbours


def make_queries(terms, rng: random.Random, count: int) -> list[tuple[str, int]]:
    """(query, index of the intended term): exact, prefix, typo and pinyin-free English forms."""
    out = []
    for _ in range(count):
        i = rng.randrange(len(terms))
        zh, en, _ = terms[i]
        kind = rng.randrange(4)
        if kind == 0:
            out.append((zh, i))
        elif kind == 1:
            out.append((en[: max(3, len(en) * 2 // 3)], i))
        elif kind == 2:
            out.append((typo(en, rng), i))
        else:
            out.append((en.lower(), i))
    return out


def build_like_startup(terms, keys_json: list[str]) -> SearchIndex:
    """What Glossary.rebuild_index does with rows streamed from SQLite: size the index from the
    count, then parse each stored row inside bulk_load()."""
    index = SearchIndex(expected_terms=len(terms))
    with index.bulk_load():
        for i, ((zh, en, _), k) in enumerate(zip(terms, keys_json, strict=True)):
            index.add(IndexEntry(i, 0, f"t{i}", zh, en), TermKeys.deserialize(k))
    return index


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def timed(fn, queries) -> tuple[list[float], list]:
    times, results = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))
        times.append((time.perf_counter() - start) * 1000)
    return times, results


def run_size(label: str, terms, rng: random.Random, n_queries: int, n_baseline: int) -> dict:
    keys_json = [compute_keys([zh, en, *aliases]).serialize() for zh, en, aliases in terms]  # done at write time
    build_times = []
    for _ in range(BUILDS):
        index = None
        gc.collect()
        start = time.perf_counter()
        index = build_like_startup(terms, keys_json)
        build_times.append(time.perf_counter() - start)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    index.add(IndexEntry(uid=len(terms), guild_id=0, slug="new", term="新术语", en="Brand new term"),
              compute_keys(["新术语", "Brand new term"]))
    add_ms = (time.perf_counter() - start) * 1000
    index.remove(len(terms))

    # Baselines: one flat list of every name and alias, owner index alongside.
    names, owners, norm_keys = [], [], []
    for i, (zh, en, aliases) in enumerate(terms):
        for name in (zh, en, *aliases):
            names.append(name)
            owners.append(i)
            norm_keys.append(normalize(name))
    # As the bot does once start-up is done (bot/client.py): long-lived data, the index and the
    # baselines' lists alike, leaves the cycle collector's sight before anything is timed.
    gc.collect()
    gc.freeze()

    queries = make_queries(terms, rng, n_queries)
    texts = [q for q, _ in queries]
    ac_times, ac_results = timed(lambda q: index.search(q, limit=25), texts)
    def_times, def_results = timed(lambda q: index.resolve(q), texts)
    base_queries = queries[:n_baseline]
    a_times, a_results = timed(lambda q: process.extract(q, names, limit=25), [q for q, _ in base_queries])
    b_times, b_results = timed(
        lambda q: process.extract(normalize(q), norm_keys, scorer=fuzz.ratio, processor=None, limit=25),
        [q for q, _ in base_queries],
    )

    gc.unfreeze()  # the next size starts as this one did

    def top1(results, qs, pick) -> float:
        return sum(pick(r) == want for r, (_, want) in zip(results, qs, strict=False)) / len(results)

    return {
        "label": label, "terms": len(terms), "keys": len(names), "add_ms": add_ms, "rss_mb": rss_mb,
        "build_s": (min(build_times), statistics.median(build_times)),
        "ac": percentiles(ac_times), "define": percentiles(def_times),
        "a": percentiles(a_times), "b": percentiles(b_times),
        "acc_ours": top1(ac_results[:n_baseline], base_queries, lambda r: r[0].entry.uid if r else None),
        "acc_define": top1(def_results, queries, lambda r: (r.hit or (r.suggestions or [None])[0]).entry.uid
                           if (r.hit or r.suggestions) else None),
        "acc_a": top1(a_results, base_queries, lambda r: owners[r[0][2]] if r else None),
        "acc_b": top1(b_results, base_queries, lambda r: owners[r[0][2]] if r else None),
    }


def memory_report(n: int = 100_000) -> None:
    """Resident memory of the bot's own start-up path over a database holding n server terms.

    The parent writes the terms (keys computed here, as at write time); a fresh child process
    imports the bot, opens the glossary exactly as `python -m bot` does (sync data/, build the
    index from stored keys) and answers queries, then reports its resident and peak memory.
    """
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "glossary.db"
        asyncio.run(_write_synthetic_db(db_path, n))
        child = subprocess.run([sys.executable, __file__, "--memory-child", str(db_path)],
                               check=True, capture_output=True, text=True)
        print(f"{n:,} server terms + the shipped glossary: {child.stdout.strip()}")


async def _write_synthetic_db(db_path: Path, n: int) -> None:
    from bot.core.glossary import Glossary
    from bot.core.models import Category, Term
    from bot.core.store import term_values

    glossary, _ = await Glossary.open(db_path, REPO / "data")
    rng = random.Random(20261122)
    rows = []
    for i, (zh, en, aliases) in enumerate(synthetic_terms(n, rng)):
        definition = "".join(rng.choice(CJK) for _ in range(rng.randint(60, 240)))
        term = Term(id=f"t{i}", term=zh, en=en, aliases=aliases, category=Category.CONCEPT, summary=definition[:40],
                    definition=definition, example=definition[:80], guild_id=1 + i % 50)
        rows.append(term_values(term))
    async with glossary.db.transaction() as conn:
        await conn.executemany(
            f"INSERT INTO terms ({', '.join(rows[0])}) VALUES ({', '.join(':' + k for k in rows[0])})", rows)
    await glossary.close()


async def _memory_child(db_path: str) -> None:
    import bot.client  # noqa: F401  (every module the running bot has loaded)
    from bot.core.glossary import Glossary

    start = time.perf_counter()
    glossary, _ = await Glossary.open(db_path, REPO / "data")
    opened = time.perf_counter() - start
    for query in ("炸芦", "zhalu", "炸爐", "ＬｏＲＡ", "stable difusion", "lora", "Kari", "模型"):
        glossary.complete(query, guild_id=7)
        await glossary.define(query, guild_id=7)
    gc.collect()
    status = Path("/proc/self/status").read_text()
    rss, peak = (int(next(line for line in status.splitlines() if line.startswith(k)).split()[1]) / 1024
                 for k in ("VmRSS", "VmHWM"))
    print(f"process RSS {rss:.0f} MB after start-up and queries (peak {peak:.0f} MB); "
          f"glossary opened and indexed in {opened:.2f} s; {len(glossary.index):,} terms in the index")
    await glossary.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 100k size")
    parser.add_argument("--memory", action="store_true", help="only measure the bot's resident memory at 100k")
    parser.add_argument("--memory-child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        asyncio.run(_memory_child(args.memory_child))
        return 0
    if args.memory:
        memory_report()
        return 0
    rng = random.Random(20261122)
    sizes = [("shipped", shipped_terms(), 2000, 300), ("10k", synthetic_terms(10_000, rng), 2000, 200)]
    if not args.quick:
        sizes.append(("100k", synthetic_terms(100_000, rng), 2000, 100))
    print(f"# machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores")
    print(f"| size | terms | names | index build, best / median of {BUILDS} | one add | autocomplete p50 / p99 | /define p50 / p99 "
          "| (a) WRatio extract p50 / p99 | (b) ratio scan p50 / p99 | p99 speed-up vs (a) / (b) "
          "| top-1 ours / (a) / (b) | max RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, terms, nq, nb in sizes:
        r = run_size(label, terms, rng, nq, nb)
        print(f"| {r['label']} | {r['terms']:,} | {r['keys']:,} | {r['build_s'][0]:.2f} / {r['build_s'][1]:.2f} s | {r['add_ms']:.2f} ms "
              f"| {r['ac'][0]:.3f} / {r['ac'][1]:.3f} ms | {r['define'][0]:.3f} / {r['define'][1]:.3f} ms "
              f"| {r['a'][0]:.1f} / {r['a'][1]:.1f} ms | {r['b'][0]:.2f} / {r['b'][1]:.2f} ms "
              f"| {r['a'][1] / r['ac'][1]:.0f}× / {r['b'][1] / r['ac'][1]:.0f}× "
              f"| {r['acc_ours']:.0%} / {r['acc_a']:.0%} / {r['acc_b']:.0%} | {r['rss_mb']:.0f} MB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
