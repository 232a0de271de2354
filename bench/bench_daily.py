"""Term of the day, in process: what a post costs as the pool grows, and what an idle tick costs as
the history grows. The two daily targets of the performance issue that the end-to-end bench
(bench_bot.py --only daily) cannot isolate.

    python bench/bench_daily.py            # 3 runs
    python bench/bench_daily.py --runs 1

- per-post CPU: 1,000 servers due at once, each drawing from a pool of 684 (the shipped size),
  10k or 100k terms, the pool unchanged between posts as it is between two writes (its version
  stays put); the poster answers at once and the limiter's sleeps are simulated, so what is timed
  is the bot's own work per post: the pick, the ledger writes. CPU seconds of this process
  (SQLite's thread included) per post, on two days: the first after the process started, when
  each server's rank order is computed (DailyPicker: once per server per cycle, start or pool
  change), and the next, when a pick is an index into it.
- idle tick: 200 servers with 30 or 365 days of history each, then ticks at a minute when nobody
  is due; wall time per tick (the tick waits on SQLite's thread).

Ratios are within one run (sizes interleaved), as the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.core.daily import DailyConfig  # noqa: E402
from bot.core.daily_service import DailyService  # noqa: E402
from bot.core.daily_store import DailyStore  # noqa: E402
from bot.core.db import Database  # noqa: E402
from bot.core.rate_limit import SlidingWindowLimiter  # noqa: E402

START = datetime(2026, 3, 1, tzinfo=UTC)
DUE_SERVERS = 1000
HISTORY_SERVERS = 200
IDLE_TICKS = 50


class SimulatedClock:
    """Seconds that move only when the limiter sleeps, so pacing costs no wall time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


async def configured_store(path: Path, servers: int) -> tuple[DailyStore, list[DailyConfig]]:
    store = DailyStore(await Database.open(path))
    configs = [DailyConfig(g, 1000 + g, clock_time(9, 0), "Asia/Shanghai", active_since=START)
               for g in range(1, servers + 1)]
    for config in configs:
        await store.configure(config)
    return store, configs


def service_for(store: DailyStore, pool: frozenset[str]) -> DailyService:
    clock = SimulatedClock()

    async def poster(config, day, slug) -> int:
        return config.guild_id

    return DailyService(store, lambda guild_id: pool, poster, pool_version=lambda guild_id: 1,
                        limiter=SlidingWindowLimiter(47, 1.0, clock=clock, sleep=clock.sleep))


async def per_post_ms(tmp: Path, pool_size: int) -> tuple[float, float]:
    """CPU ms per post on the first day after start and on the next."""
    store, _ = await configured_store(tmp / f"posts-{pool_size}.db", DUE_SERVERS)
    service = service_for(store, frozenset(f"t{i}" for i in range(pool_size)))
    at = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: everyone is due
    spent = []
    for day in range(2):
        cpu = time.process_time()
        await service.tick(at + timedelta(days=day))
        spent.append((time.process_time() - cpu) / DUE_SERVERS * 1000)
    await store.db.close()
    return spent[0], spent[1]


async def idle_tick_ms(tmp: Path, days: int) -> float:
    store, configs = await configured_store(tmp / f"history-{days}.db", HISTORY_SERVERS)
    service = service_for(store, frozenset(f"t{i}" for i in range(400)))
    for day in range(days):  # every server posts every day
        await service.tick(configs[0].post_instant(date(2026, 3, 1) + timedelta(days=day)))
    last = configs[0].post_instant(date(2026, 3, 1) + timedelta(days=days - 1))
    samples = []
    for i in range(IDLE_TICKS):  # later the same day: every server has posted, nobody is due
        start = time.perf_counter()
        await service.tick(last + timedelta(hours=2, minutes=i))
        samples.append((time.perf_counter() - start) * 1000)
    await store.db.close()
    return statistics.median(samples)


async def one_run(run: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-daily-") as name:
        tmp = Path(name)
        out: dict[str, float] = {}
        for n in (684, 10_000, 100_000):
            out[f"first_{n}"], out[f"post_{n}"] = await per_post_ms(tmp, n)
        out |= {f"idle_{d}": await idle_tick_ms(tmp, d) for d in (30, 365)}
    out["post_ratio"] = out["post_100000"] / out["post_684"]
    out["first_ratio"] = out["first_100000"] / out["first_684"]
    out["idle_ratio"] = out["idle_365"] / out["idle_30"]
    print(f"  run {run}: per post {_sizes(out, 'post')} ms CPU (684 / 10k / 100k terms; 100k ÷ 684 = "
          f"{out['post_ratio']:.2f}), first day after start {_sizes(out, 'first')} ms (÷ {out['first_ratio']:.1f}); "
          f"idle tick {out['idle_30']:.3f} / {out['idle_365']:.3f} ms (30 / 365 days; ÷ {out['idle_ratio']:.2f})",
          flush=True)
    return out


def _sizes(out: dict[str, float], kind: str) -> str:
    return " / ".join(f"{out[f'{kind}_{n}']:.3f}" for n in (684, 10_000, 100_000))


async def main_async(runs: int) -> None:
    results = [await one_run(r + 1) for r in range(runs)]
    median = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(f"\n## Term of the day (median of {runs} runs)")
    print(f"- per-post CPU, pool of 684 / 10k / 100k terms: {_sizes(median, 'post')} ms; "
          f"100k ÷ 684: {median['post_ratio']:.2f}")
    print(f"- the first day after a start (each server's order computed): {_sizes(median, 'first')} ms; "
          f"100k ÷ 684: {median['first_ratio']:.1f}")
    print(f"- idle tick, {HISTORY_SERVERS} servers with 30 / 365 days of history: {median['idle_30']:.3f} / "
          f"{median['idle_365']:.3f} ms; 365 ÷ 30: {median['idle_ratio']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main_async(parser.parse_args().runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
