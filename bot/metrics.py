"""Prometheus metrics: what the bot counts, and the small HTTP endpoint that serves them.

Off unless METRICS_PORT is set. Each bot gets its own registry, so several bots in one
process (tests) never clash. The endpoint runs on the bot's own event loop (aiohttp, which
discord.py already depends on) and stops with the bot.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from aiohttp import web
from discord import app_commands
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

from bot.core.moderation import TermError

log = logging.getLogger(__name__)

OUTCOMES = ("ok", "error", "refused")
LOOKUP_RESULTS = {"found": "found", "suggestions": "suggested", "not_found": "missed"}
# Discord gives an interaction 3 s for its first answer; the buckets are dense around that.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


def is_refusal(error: Exception) -> bool:
    """A rule said no (permission, cooldown, invalid input), as opposed to something breaking."""
    original = getattr(error, "original", error)
    return isinstance(original, TermError | app_commands.CheckFailure | app_commands.TransformerError)


class Metrics:
    """The bot's counters, histogram and gauges in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)  # memory, CPU and open files of this process
        self.interactions = Counter("liandan_interactions", "Slash commands and components handled, by outcome",
                                    ["command", "outcome"], registry=r)
        self.latency = Histogram("liandan_interaction_seconds", "From receiving a slash command to finishing it",
                                 ["command"], buckets=LATENCY_BUCKETS, registry=r)
        self.lookups = Counter("liandan_lookups", "/define lookups by result", ["result"], registry=r)
        self.daily_posts = Counter("liandan_daily_posts", "Term-of-the-day post attempts", ["outcome"], registry=r)
        self.index_terms = Gauge("liandan_index_terms", "Terms in the in-memory search index", registry=r)
        self.gateway_latency = Gauge("liandan_gateway_latency_seconds",
                                     "Gateway heartbeat round trip (NaN before the first one)", registry=r)
        self.search_backfill = Gauge("liandan_search_backfill_pending",
                                     "1 while /search's tables are still being written after a large first start",
                                     registry=r)
        for result in LOOKUP_RESULTS.values():
            self.lookups.labels(result)  # present at zero from the first scrape
        for outcome in ("sent", "failed"):
            self.daily_posts.labels(outcome)

    def watch(self, index_size: Callable[[], int], gateway_latency: Callable[[], float],
              search_backfill: Callable[[], bool] = lambda: False) -> None:
        """Gauges read at scrape time, so they are never stale."""
        self.index_terms.set_function(index_size)
        self.gateway_latency.set_function(lambda: _finite_or_nan(gateway_latency()))
        self.search_backfill.set_function(lambda: float(search_backfill()))

    def interaction(self, command: str, outcome: str, seconds: float | None) -> None:
        self.interactions.labels(command, outcome).inc()
        if seconds is not None:
            self.latency.labels(command).observe(max(seconds, 0.0))

    def lookup(self, status: str) -> None:
        self.lookups.labels(LOOKUP_RESULTS.get(status, "missed")).inc()

    def daily_post(self, ok: bool) -> None:
        self.daily_posts.labels("sent" if ok else "failed").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _finite_or_nan(value: float) -> float:
    return value if math.isfinite(value) else math.nan


class MetricsServer:
    """GET /metrics on host:port; port 0 picks a free one (see `port` once started)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        app = web.Application()
        app.router.add_get("/metrics", self._scrape)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("metrics on http://%s:%d/metrics", host, self.port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _scrape(self, request: web.Request) -> web.Response:
        response = web.Response(body=self.metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
