"""Run the real `python -m bot` against the simulated Discord, optionally on a clock the test sets.

    python -m tests.support.launch [bot arguments…]

Environment (set by the test that starts the process):
- LIANDAN_TEST_API_BASE, LIANDAN_TEST_GATEWAY_URL: where discord.py's HTTP and gateway go;
- LIANDAN_TEST_CLOCK_FILE: a file holding an ISO-8601 instant; the bot's clock reads it on every
  call, so a test moves a whole bot process through simulated days by rewriting the file.

The production code has no such hook: this launcher patches discord.py and the clock from outside.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import discord
import yarl


class FileClock:
    """Now is whatever instant the test last wrote into the file."""

    def __init__(self, path: Path):
        self.path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip()).astimezone(UTC)


def point_discord_py_at(api_base: str, gateway_url: str) -> None:
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def main() -> int:
    point_discord_py_at(os.environ["LIANDAN_TEST_API_BASE"], os.environ["LIANDAN_TEST_GATEWAY_URL"])
    clock_file = os.environ.get("LIANDAN_TEST_CLOCK_FILE")
    if clock_file:
        import bot.client

        path = Path(clock_file)
        bot.client.SystemClock = lambda: FileClock(path)  # type: ignore[assignment, misc]
    from bot.__main__ import main as bot_main

    return bot_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
