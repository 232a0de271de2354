"""Start and stop of the running bot: waiting for Discord to be reachable, and stop signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

import yarl

log = logging.getLogger("bot")
BACKOFF_CAP_SECONDS = 60.0
PROBE_TIMEOUT_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def backoff_delay(attempt: int, cap: float = BACKOFF_CAP_SECONDS) -> float:
    """Seconds to wait after the attempt-th failure in a row: 1, 2, 4, 8 … never more than cap."""
    return min(cap, 2.0 ** min(max(attempt, 1) - 1, 32))


def address_of(url: str) -> tuple[str, int]:
    parsed = yarl.URL(url)
    return parsed.host or "", parsed.port or (443 if parsed.scheme in ("https", "wss") else 80)


async def _probe(host: str, port: int) -> None:
    """Resolve the name and open a TCP connection; raises OSError (DNS, refused, timeout)."""
    _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), PROBE_TIMEOUT_SECONDS)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def wait_until_reachable(url: str, stop: asyncio.Event) -> bool:
    """Retry with capped exponential backoff until url's host accepts a connection.

    One log line per failed attempt, no traceback. False if stop was set first.
    """
    host, port = address_of(url)
    attempt = 0
    while not stop.is_set():
        try:
            await _probe(host, port)
            return True
        except OSError as exc:
            attempt += 1
            delay = backoff_delay(attempt)
            log.warning("cannot reach Discord at %s:%d (%s); attempt %d failed, retrying in %.0f s",
                        host, port, exc or type(exc).__name__, attempt, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
    return False


def install_stop_signals(stop: asyncio.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set stop instead of killing the process; returns a function that undoes it."""
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        log.info("received %s: shutting down", sig.name)
        stop.set()

    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, on_signal, sig)
        except (NotImplementedError, RuntimeError):  # e.g. Windows: Ctrl+C still raises KeyboardInterrupt
            continue
        installed.append(sig)

    def remove() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return remove
