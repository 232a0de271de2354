"""The whole bot through discord.py: the real `python -m bot` process against the simulated Discord.

    python bench/bench_bot.py                 # every section, 3 runs each (~10 minutes)
    python bench/bench_bot.py --only define   # define | search | json | profile | profile-search | startup | daily
    python bench/bench_bot.py --sizes shipped,10k --runs 1

Sections (each run starts fresh bot processes; figures are medians over runs):
- define: /define and autocomplete per second at 50 in flight; p50/p99 for hits, typos and misses;
  the bot process's CPU per interaction (user + system, all threads, from /proc);
- search: /search (2–6 Chinese characters from the shipped definitions, English words from them)
  against /define hits in the same bot process, one phase after the other at 50 in flight: p50/p99
  of each, the ratio of the p50s, and the bot's CPU per interaction; profile-search profiles it;
- json: the same with discord.py on the standard json module, to see what orjson (the `speed`
  extra) buys; runs only when orjson is installed (`pip install orjson` to compare);
- profile: where the bot's CPU goes during /define load (cProfile self time, grouped by module);
- startup: first start (empty database) and warm restart (same database, data/ unchanged) at the
  shipped size, 10k and 100k terms, from process spawn to the gateway IDENTIFY (imports, data/,
  index, login and command sync included), as ratios to a warm shipped restart; resident memory;
- daily: 1,000 servers due at once, every channel send held 50 ms by the simulated Discord:
  posts per second, and the most sends seen in any one-second window.

The simulated Discord runs in this process. Its body checks (limits, OpenAPI schema) are turned
off here because they cost this process more than the bot costs its own; the tests keep them on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_profile import summarise_profile  # noqa: E402
from bench.synthetic_data import CJK, write_data_dir  # noqa: E402
from tests.support import limits  # noqa: E402
from tests.support.discord_model import DiscordState  # noqa: E402
from tests.support.discord_server import DiscordServer  # noqa: E402
from tests.support.fake_discord import FakeDiscord  # noqa: E402

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
IN_FLIGHT = 50
SEND_DELAY = 0.05
DAILY_SERVERS = 1000
TICKS = os.sysconf("SC_CLK_TCK")


class DelayedServer(DiscordServer):
    """The simulated Discord's server, with channel sends held `send_delay` seconds and their arrival times kept."""

    send_delay = 0.0

    def __init__(self, state: DiscordState) -> None:
        super().__init__(state)
        self.send_times: list[float] = []

    async def _delayed_post(self, request, body, channel_id):  # type: ignore[no-untyped-def]
        self.send_times.append(time.monotonic())
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        return await DiscordServer._post_message(self, request, body, channel_id)


DelayedServer._routes = [(m, p, DelayedServer._delayed_post if h is DiscordServer._post_message else h)
                         for m, p, h in DiscordServer._routes]


class DelayedFake(FakeDiscord):
    """The simulated Discord over a DelayedServer."""

    def __init__(self) -> None:
        super().__init__()
        self.server = DelayedServer(self.state)

    @property
    def send_times(self) -> list[float]:
        return self.server.send_times


class BotProcess:
    """One `python -m bench.bot_process` against a simulated Discord, with its CPU and memory."""

    def __init__(self, workdir: Path, data_dir: Path, db: Path, **env: str):
        self.workdir, self.data_dir, self.db, self.env = workdir, data_dir, db, env
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, fake: FakeDiscord) -> float:
        """Seconds from spawn until the bot identified on the gateway (after sync)."""
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{self.db}",
               "DATA_DIR": str(self.data_dir), "LIANDAN_TEST_API_BASE": fake.api_base,
               "LIANDAN_TEST_GATEWAY_URL": fake.gateway_url, "DEV_GUILD_ID": "", "LOG_LEVEL": "WARNING",
               "PYTHONPATH": str(REPO), **self.env}
        began = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bot_process", cwd=self.workdir, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=open(self.workdir / "bot.log", "ab"))  # noqa: SIM115
        identified = asyncio.create_task(fake.wait_identified())
        exited = asyncio.create_task(self.proc.wait())
        await asyncio.wait({identified, exited}, timeout=600, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not identified.done():
            raise RuntimeError("the bot never connected:\n" + (self.workdir / "bot.log").read_text()[-3000:])
        return time.perf_counter() - began

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, every thread

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


async def new_fake(*, guilds: int = 1, send_delay: float = 0.0) -> DelayedFake:
    fake = DelayedFake()
    fake.server.send_delay = send_delay
    for i in range(guilds):
        fake.add_guild(f"服务器{i}").add_text_channel("今日术语")
    await fake.start(patch_discord=False)
    return fake


# --- /define and autocomplete ------------------------------------------------------------
def define_queries(rng: random.Random, n: int) -> list[tuple[str, str]]:
    from bot.core.loader import load_glossary

    terms = load_glossary(REPO / "data")
    english = [t.en for t in terms if len(t.en) >= 6 and t.en.isascii()]
    out = []
    for _ in range(n):
        kind = rng.randrange(3)
        if kind == 0:
            out.append(("hit", rng.choice(terms).term))
        elif kind == 1:
            word = rng.choice(english)
            i = rng.randrange(1, len(word) - 2)
            out.append(("typo", word[:i] + word[i + 1] + word[i] + word[i + 2:]))
        else:
            out.append(("miss", "".join(rng.choice(CJK) for _ in range(5)) + "".join(rng.choices("qxzvkj", k=4))))
    return out


def complete_queries(rng: random.Random, n: int) -> list[tuple[str, str]]:
    from bot.core.loader import load_glossary

    names = [t.en or t.term for t in load_glossary(REPO / "data")]
    return [("autocomplete", (lambda s: s[: rng.randint(0, min(6, len(s)))])(rng.choice(names))) for _ in range(n)]


OPTION_OF = {"define": "term", "search": "query"}  # a slash command's one option


async def drive(fake: FakeDiscord, queries: list[tuple[str, str]], *, command: str) -> tuple[float, dict]:
    """Run every query with IN_FLIGHT at once; (seconds, label → latencies in ms)."""
    guild = next(iter(fake.guilds.values()))
    member = guild.add_member(f"成员{random.random()}") if not guild.members else next(iter(guild.members.values()))
    pending = list(reversed(queries))
    latencies: dict[str, list[float]] = {}

    async def worker() -> None:
        while pending:
            label, query = pending.pop()
            began = time.perf_counter()
            if command == "autocomplete":
                await fake.autocomplete(guild, member, "define", "term", value=query)
            else:
                await fake.slash(guild, member, command, timeout=30, **{OPTION_OF[command]: query})
            latencies.setdefault(label, []).append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - began, latencies


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def define_run(tmp: Path, run: int, n: int, **env: str) -> dict:
    rng = random.Random(20261125 + run)
    fake = await new_fake()
    bot = BotProcess(tmp, REPO / "data", tmp / f"define-{run}-{env.get('BENCH_JSON', 'default')}.db", **env)
    try:
        await bot.start(fake)
        await drive(fake, define_queries(rng, 200), command="define")  # warm-up
        cpu0 = bot.cpu_seconds()
        seconds, lat = await drive(fake, define_queries(rng, n), command="define")
        cpu1 = bot.cpu_seconds()
        ac_seconds, ac_lat = await drive(fake, complete_queries(rng, n), command="autocomplete")
        cpu2 = bot.cpu_seconds()
    finally:
        await bot.stop()
        await fake.stop()
    return {"define_rps": n / seconds, "ac_rps": n / ac_seconds,
            "define_cpu_ms": (cpu1 - cpu0) * 1000 / n, "ac_cpu_ms": (cpu2 - cpu1) * 1000 / n,
            **{f"{k}_p50": pct(v, 0.5) for k, v in {**lat, **ac_lat}.items()},
            **{f"{k}_p99": pct(v, 0.99) for k, v in {**lat, **ac_lat}.items()},
            "miss_hit_ratio": pct(lat["miss"], 0.5) / pct(lat["hit"], 0.5)}


async def profile_run(tmp: Path, n: int, make_queries=None, command: str = "define") -> list[tuple[str, float]]:
    make_queries = make_queries or define_queries
    fake = await new_fake()
    stats = tmp / f"{command}.prof"
    bot = BotProcess(tmp, REPO / "data", tmp / f"profile-{command}.db", BENCH_PROFILE=str(stats))
    try:
        await bot.start(fake)
        rng = random.Random(7)
        await drive(fake, make_queries(rng, 200), command=command)
        bot.signal(signal.SIGUSR1)
        await asyncio.sleep(0.2)
        await drive(fake, make_queries(rng, n), command=command)
        bot.signal(signal.SIGUSR2)
        for _ in range(100):
            if stats.exists():
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
    finally:
        await bot.stop()
        await fake.stop()
    return summarise_profile(stats)


# --- /search against /define hits ----------------------------------------------------------
def hit_queries(rng: random.Random, n: int) -> list[tuple[str, str]]:
    from bot.core.loader import load_glossary

    terms = load_glossary(REPO / "data")
    return [("hit", rng.choice(terms).term) for _ in range(n)]


def search_queries(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Half 2–6 Chinese characters from a shipped definition, half an English word from one."""
    from bot.core.loader import load_glossary

    texts = [t.definition for t in load_glossary(REPO / "data")]
    runs = [run for text in texts for run in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    words = sorted({w.lower() for text in texts for w in re.findall(r"[A-Za-z]{3,}", text)})
    out = []
    for i in range(n):
        if i % 2:
            out.append(("search", rng.choice(words)))
            continue
        run = rng.choice(runs)
        size = rng.randint(2, min(6, len(run)))
        start = rng.randrange(len(run) - size + 1)
        out.append(("search", run[start:start + size]))
    return out


async def timed_phases(bot: BotProcess, fake: FakeDiscord, phases: list[tuple[str, list]]) -> dict[str, dict]:
    """Each (command, queries) phase in turn: its interactions per second, latencies by label, and
    the bot's CPU milliseconds per interaction."""
    out = {}
    for command, queries in phases:
        cpu = bot.cpu_seconds()
        seconds, latencies = await drive(fake, queries, command=command)
        out[command] = {"rps": len(queries) / seconds, "latencies": latencies,
                        "cpu_ms": (bot.cpu_seconds() - cpu) * 1000 / len(queries)}
    return out


async def search_run(tmp: Path, run: int, n: int) -> dict:
    """/define hits, then /search, in one fresh bot process (after a warm-up of each)."""
    rng = random.Random(20261126 + run)
    fake = await new_fake()
    bot = BotProcess(tmp, REPO / "data", tmp / f"search-{run}.db")
    try:
        await bot.start(fake)
        await timed_phases(bot, fake, [("define", hit_queries(rng, 200)), ("search", search_queries(rng, 200))])
        got = await timed_phases(bot, fake, [("define", hit_queries(rng, n)), ("search", search_queries(rng, n))])
    finally:
        await bot.stop()
        await fake.stop()
    hits, searches = got["define"]["latencies"]["hit"], got["search"]["latencies"]["search"]
    return {"hit_rps": got["define"]["rps"], "search_rps": got["search"]["rps"],
            "hit_p50": pct(hits, 0.5), "hit_p99": pct(hits, 0.99),
            "search_p50": pct(searches, 0.5), "search_p99": pct(searches, 0.99),
            "search_hit_ratio": pct(searches, 0.5) / pct(hits, 0.5),
            "hit_cpu_ms": got["define"]["cpu_ms"], "search_cpu_ms": got["search"]["cpu_ms"]}


def print_search(runs: list[dict]) -> None:
    m = median_of(runs)
    print(f"\n## /search against /define hits (median of {len(runs)} runs; each run: fresh bot process)")
    print(f"- /define hit: {m['hit_rps']:.0f}/s at {IN_FLIGHT} in flight, p50 {m['hit_p50']:.1f} ms, "
          f"p99 {m['hit_p99']:.1f} ms, bot CPU {m['hit_cpu_ms']:.2f} ms each")
    print(f"- /search: {m['search_rps']:.0f}/s at {IN_FLIGHT} in flight, p50 {m['search_p50']:.1f} ms, "
          f"p99 {m['search_p99']:.1f} ms, bot CPU {m['search_cpu_ms']:.2f} ms each")
    print(f"- /search p50 ÷ /define hit p50: {m['search_hit_ratio']:.2f} (target ≤ 2)")
    print("- per run: " + "; ".join(f"ratio {r['search_hit_ratio']:.2f}, CPU {r['search_cpu_ms']:.2f} / "
                                    f"{r['hit_cpu_ms']:.2f} ms" for r in runs))


# --- start-up ----------------------------------------------------------------------------
async def startup_run(tmp: Path, data_dir: Path, label: str, run: int) -> dict:
    db = tmp / f"startup-{label}-{run}.db"
    out = {}
    for phase in ("first", "warm"):
        fake = await new_fake()
        bot = BotProcess(tmp, data_dir, db)
        try:
            out[phase] = await bot.start(fake)
            if phase == "first":  # /search's tables are written after IDENTIFY when many terms are new
                out["indexed"] = out["first"] + await until_search_indexed(db)
            if phase == "warm":
                await drive(fake, define_queries(random.Random(1), 50), command="define")
                out["rss_mb"] = bot.rss_mb()
        finally:
            await bot.stop()
            await fake.stop()
    db.unlink(missing_ok=True)
    return out


async def until_search_indexed(db: Path) -> float:
    """Seconds until the bot's full-text backfill is done (fulltext_backfill.py), polled read-only."""
    from bot.core.fulltext_backfill import ALL_INDEXED

    began = time.perf_counter()
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        while conn.execute("SELECT upto FROM fts_state").fetchone()[0] < ALL_INDEXED:
            await asyncio.sleep(0.02)
    return time.perf_counter() - began


# --- daily posts -------------------------------------------------------------------------
async def daily_run(tmp: Path, run: int) -> dict:
    from bot.core.daily import DailyConfig
    from bot.core.daily_store import DailyStore
    from bot.core.glossary import Glossary

    at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    fake = await new_fake(guilds=DAILY_SERVERS, send_delay=SEND_DELAY)
    db = tmp / f"daily-{run}.db"
    glossary, _ = await Glossary.open(db, REPO / "data")
    store = DailyStore(glossary.db)
    for guild in fake.guilds.values():
        channel = next(iter(guild.channels.values()))
        await store.configure(DailyConfig(guild.id, channel.id, datetime.min.time().replace(hour=9), "Asia/Shanghai",
                                          active_since=at - timedelta(days=1)))
    await glossary.close()
    clock = tmp / "clock.txt"
    clock.write_text(at.isoformat())
    bot = BotProcess(tmp, REPO / "data", db, LIANDAN_TEST_CLOCK_FILE=str(clock))
    try:
        await bot.start(fake)
        await fake.wait_for(lambda: len(fake.send_times) >= DAILY_SERVERS, timeout=300)
        await asyncio.sleep(1)
    finally:
        await bot.stop()
        await fake.stop()
    times = sorted(fake.send_times)
    posted = sum(len(fake.channel_posts(c)) for c in fake.channels)
    busiest = max(sum(1 for t in times[i:i + 60] if t - s < 1.0) for i, s in enumerate(times))
    # 51 arrivals within one second would break Discord's limit: the closest any 51 consecutive
    # arrivals came, so a run shows its margin (≥ 1 s: none did), not only a pass or a fail.
    closest_51 = min(b - a for a, b in zip(times, times[50:], strict=False))
    return {"posts": posted, "sends": len(times), "per_second": (len(times) - 1) / (times[-1] - times[0]),
            "busiest_second": busiest, "closest_51_ms": closest_51 * 1000}


# --- reporting ---------------------------------------------------------------------------
def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def print_define(title: str, runs: list[dict]) -> None:
    m = median_of(runs)
    print(f"\n## {title} (median of {len(runs)} runs; each run: fresh bot process)")
    print(f"- /define: {m['define_rps']:.0f}/s at {IN_FLIGHT} in flight; autocomplete: {m['ac_rps']:.0f}/s")
    for kind in ("hit", "typo", "miss", "autocomplete"):
        print(f"- {kind}: p50 {m[kind + '_p50']:.1f} ms, p99 {m[kind + '_p99']:.1f} ms")
    print(f"- miss/hit p50 ratio: {m['miss_hit_ratio']:.2f}")
    print(f"- bot CPU per /define {m['define_cpu_ms']:.2f} ms, per autocomplete {m['ac_cpu_ms']:.2f} ms")
    print("- per run: " + "; ".join(f"{r['define_rps']:.0f}/s, {r['define_cpu_ms']:.2f} ms CPU" for r in runs))


async def startup_section(tmp: Path, sizes: list[str], runs: int) -> None:
    counts = {"shipped": 0, "10k": 10_000, "100k": 100_000}
    dirs = {label: write_data_dir(tmp / f"data-{label}", counts[label]) if counts[label] else REPO / "data"
            for label in sizes}
    results: dict[str, list[dict]] = {label: [] for label in sizes}
    for run in range(runs):  # sizes interleaved, so a noisy minute on this shared machine hits all of them
        for label in sizes:
            r = await startup_run(tmp, dirs[label], label, run)
            results[label].append(r)
            print(f"  run {run + 1}, {label}: first {r['first']:.2f} s (/search indexed at {r['indexed']:.2f} s), "
                  f"warm {r['warm']:.2f} s, {r['rss_mb']:.0f} MB", flush=True)
    base = statistics.median(r["warm"] for r in results["shipped"]) if "shipped" in results else None
    print(f"\n## Start-up (median of {runs}; spawn → gateway IDENTIFY)")
    print("| terms | first start | /search indexed | warm restart | first / warm shipped | warm / warm shipped"
          " | RSS after warm start |")
    print("|---|---|---|---|---|---|---|")
    for label, rs in results.items():
        m = median_of(rs)
        ratio = (lambda x: f"{x / base:.2f}×") if base else (lambda x: "—")
        print(f"| {label} | {m['first']:.2f} s | {m['indexed']:.2f} s | {m['warm']:.2f} s | {ratio(m['first'])} "
              f"| {ratio(m['warm'])} "
              f"| {m['rss_mb']:.0f} MB |")


async def main_async(args: argparse.Namespace) -> None:
    import yaml

    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; libyaml {yaml.__with_libyaml__}; orjson {_has('orjson')}")
    limits.check_limits = lambda *a, **k: []  # see the module docstring
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as name:
        tmp = Path(name)
        if args.only in (None, "define"):
            print_define("Through discord.py", [await define_run(tmp, r, args.n) for r in range(args.runs)])
        if args.only in (None, "search"):
            print_search([await search_run(tmp, r, args.n) for r in range(args.runs)])
        if args.only in (None, "json") and not _has("orjson"):
            print("\n(json section skipped: orjson is not installed, so discord.py uses json already)")
        elif args.only in (None, "json"):
            print_define("Through discord.py, standard json",
                         [await define_run(tmp, r, args.n, BENCH_JSON="std") for r in range(args.runs)])
        if args.only in (None, "profile"):
            print("\n## Where the bot's CPU goes during /define (cProfile self time)")
            for group, share in await profile_run(tmp, args.n):
                print(f"- {group}: {share:.0%}")
        if args.only in (None, "profile-search"):
            print("\n## Where the bot's CPU goes during /search (cProfile self time)")
            for group, share in await profile_run(tmp, args.n, search_queries, "search"):
                print(f"- {group}: {share:.0%}")
        if args.only in (None, "startup"):
            await startup_section(tmp, args.sizes.split(","), args.runs)
        if args.only in (None, "daily"):
            runs = [await daily_run(tmp, r) for r in range(args.runs)]
            m = median_of(runs)
            print(f"\n## Daily posts: {DAILY_SERVERS} servers due at once, sends held {SEND_DELAY * 1000:.0f} ms")
            print(f"- {m['per_second']:.1f} posts/s (median of {len(runs)}); most sends in any second: "
                  f"{max(r['busiest_second'] for r in runs)}; posted {m['posts']:.0f} of {DAILY_SERVERS}")
            print("- per run: " + "; ".join(f"{r['per_second']:.1f}/s, busiest {r['busiest_second']}, "
                                            f"closest 51 sends {r['closest_51_ms']:.0f} ms" for r in runs))


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["define", "search", "json", "profile", "profile-search", "startup", "daily"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=1500, help="interactions per load phase")
    parser.add_argument("--sizes", default="shipped,10k,100k")
    asyncio.run(main_async(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
