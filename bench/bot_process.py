"""The real `python -m bot` for bench/bench_bot.py, via tests/support/launch.py, with two extras.

    python -m bench.bot_process            # environment as for tests.support.launch

- BENCH_JSON=std makes discord.py use the standard json module even when orjson (discord.py's
  `speed` extra) is installed, so one machine can measure both;
- BENCH_PROFILE=<path>: SIGUSR1 starts cProfile on the event-loop thread, SIGUSR2 stops it and
  writes the stats to <path>, so only the load phase is profiled.
"""

from __future__ import annotations

import cProfile
import json
import os
import signal
import sys
import time


def _use_std_json() -> None:
    import discord.utils

    def to_json(obj: object) -> str:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)

    discord.utils.HAS_ORJSON = False
    discord.utils._to_json = to_json  # type: ignore[assignment]
    discord.utils._from_json = json.loads  # type: ignore[assignment]


def _profile_on_signals(path: str) -> None:
    profiler = cProfile.Profile(time.thread_time)  # CPU of the event-loop thread, not time spent waiting

    def start(*_: object) -> None:
        profiler.enable()

    def stop(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def main() -> int:
    if os.environ.get("BENCH_JSON") == "std":
        _use_std_json()
    if os.environ.get("BENCH_PROFILE"):
        _profile_on_signals(os.environ["BENCH_PROFILE"])
    from tests.support.launch import main as launch

    return launch()


if __name__ == "__main__":
    sys.exit(main())
