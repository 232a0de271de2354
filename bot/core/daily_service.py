"""The term-of-the-day loop body: one tick posts for every server that is due.

Exactly once per server per local day:
- a day is claimed in SQLite (primary key) before anything is sent, so two ticks or two
  runs can never both post it;
- the send carries a nonce derived from (server, day); Discord drops a repeat of it, so
  re-sending a claimed-but-unconfirmed post after a crash cannot double-post;
- a day that fails for good (403, deleted channel) is recorded and not retried; the next
  day is tried as usual. Server errors are retried with backoff inside the grace window.

At scale: a tick reads only the servers whose `next_check_at` has come (one index range), and
for each only its recent days; due servers are posted concurrently, every send through one
rate limiter that keeps the bot under Discord's global limit; the pick is an index into a
per-server cached order (bot/core/daily_pick.py), not a hash of every term.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.daily import GRACE, DailyConfig, due_day, missed_days, next_check, next_post, retry_delay
from bot.core.daily_pick import DailyPicker
from bot.core.daily_store import DailyStore, PostRecord
from bot.core.rate_limit import SlidingWindowLimiter

log = logging.getLogger(__name__)
SENDS_PER_SECOND = 47  # the steady pace: Discord allows 50 requests/s in all, the rest is for other requests
# Whatever delays bunch sends on the way, Discord never sees more than this many in one second
# (rate_limit.py: a send counts from its start until a second after its response).
DISCORD_LIMIT = 50
CONCURRENT_POSTS = 8  # sends in flight at once: enough to keep the limiter busy when a send takes ~150 ms


class PostRejected(Exception):
    """Permanent: the channel is gone or the bot may not post there. Give up for today."""


class PostFailedTemporarily(Exception):
    """Transient (Discord 5xx): try again later today."""


# (config, local day, term slug) → id of the message that was posted
Poster = Callable[[DailyConfig, date, str], Awaitable[int]]
# Optional split of a poster: prepare builds the message (database reads, the card) and returns a
# send step that makes the one request; only the send waits for the rate limiter, so work of
# varying length before it can't bunch requests on their way to Discord.
Send = Callable[[], Awaitable[int]]
Prepare = Callable[[DailyConfig, date, str], Awaitable[Send]]
Pool = Callable[[int], set[str]]


@dataclass(frozen=True, slots=True)
class DailyStatus:
    config: DailyConfig | None
    next_post_at: datetime | None
    last_sent: PostRecord | None
    last_problem: PostRecord | None


class DailyService:
    def __init__(self, store: DailyStore, pool: Pool, poster: Poster | None = None, *,
                 prepare: Prepare | None = None, pool_version: Callable[[int], Hashable] | None = None,
                 owns: Callable[[int], bool] = lambda guild_id: True,
                 limiter: SlidingWindowLimiter | None = None, concurrency: int = CONCURRENT_POSTS):
        self.store = store
        self.pool = pool
        if (poster is None) == (prepare is None):
            raise ValueError("give either a poster or a prepare step")
        self.poster = poster
        self.prepare = prepare or _unprepared(poster)  # type: ignore[arg-type]
        self.picker = DailyPicker(pool, store.current_cycle, pool_version)
        self.limiter = limiter or SlidingWindowLimiter(SENDS_PER_SECOND, 1.0, ceiling=DISCORD_LIMIT)
        self.concurrency = concurrency
        self.owns = owns  # is the server on one of this process's shards? (shards.py)
        self._stopping = False

    def stop_starting(self) -> None:
        """Start no further servers: a tick in progress finishes those already begun, then ends."""
        self._stopping = True

    async def tick(self, now: datetime) -> None:
        due = [c for c in await self.store.due_configs(now) if self.owns(c.guild_id)]
        if not due:
            return
        slots = asyncio.Semaphore(self.concurrency)

        async def one(config: DailyConfig) -> None:
            async with slots:
                if self._stopping:
                    return  # shutting down: left for the next run, whose tick finds it still due
                try:
                    await self.run_guild(config, now)
                except Exception:  # one broken server must not stop the others
                    log.exception("daily post for guild %s failed", config.guild_id)

        await asyncio.gather(*(one(config) for config in due))

    async def run_guild(self, config: DailyConfig, now: datetime) -> None:
        await self._post_if_due(config, now)
        recent = await self.store.recent_posts(config.guild_id, config.local_date(now) - timedelta(days=2))
        await self.store.set_next_check(config.guild_id, next_check(config, now, recent))

    async def _settle(self, config: DailyConfig, now: datetime) -> dict[date, PostRecord]:
        """Close claims whose window has passed and record days missed while offline; recent days."""
        guild_id = config.guild_id
        records = await self.store.recent_posts(guild_id, config.local_date(now) - timedelta(days=2))
        for record in records:
            if record.status == "pending" and now >= config.post_instant(record.local_date) + GRACE:
                if record.error:  # server errors until the window closed: nothing was shown
                    await self.store.finish(guild_id, record.local_date, status="failed", error=record.error)
                    self.picker.forget(guild_id)
                else:  # claimed, then a crash before confirmation: it may have gone out, so its term counts as used
                    await self.store.finish(guild_id, record.local_date, status="unknown")
        by_day = {r.local_date: r for r in records}
        last = await self.store.last_date(guild_id)
        since = last if last is not None else config.local_date(config.active_since) - timedelta(days=1)
        for day in missed_days(config, now, set(by_day), since):
            log.warning("guild %s: skipped the %s post (bot was offline past the grace window)", guild_id, day)
            await self.store.skip(guild_id, day, "offline past the grace window")
        return by_day

    async def _post_if_due(self, config: DailyConfig, now: datetime) -> None:
        by_day = await self._settle(config, now)
        settled = {d for d, r in by_day.items() if r.status != "pending"}
        day = due_day(config, now, settled)
        if day is None:
            return
        record = by_day.get(day)
        if record is None:
            picked = await self.picker.peek(config.guild_id)
            if picked is None:
                return
            slug, cycle = picked
            if not await self.store.claim(config.guild_id, day, slug, cycle):
                self.picker.forget(config.guild_id)
                return
            self.picker.taken(config.guild_id, slug, cycle)
        elif record.next_attempt_at is not None and record.next_attempt_at > now:
            return  # backing off after a server error
        else:
            slug = record.slug  # a retry, or a claim a crash left unconfirmed: same term, same nonce
        await self._send(config, day, slug, now, attempts=record.attempts if record else 0)

    async def _send(self, config: DailyConfig, day: date, slug: str, now: datetime, *, attempts: int) -> None:
        try:
            send = await self.prepare(config, day, slug)
            async with self.limiter.slot():
                message_id = await send()
        except PostRejected as exc:
            log.warning("guild %s: daily post rejected: %s", config.guild_id, exc)
            await self.store.finish(config.guild_id, day, status="failed", error=str(exc))
            self.picker.forget(config.guild_id)  # nothing was shown: the term is still owed
        except PostFailedTemporarily as exc:
            retry_at = now + retry_delay(attempts + 1)
            await self.store.finish(config.guild_id, day, status="pending", error=str(exc), next_attempt_at=retry_at)
        else:
            await self.store.finish(config.guild_id, day, status="sent", message_id=message_id)

    async def status(self, guild_id: int, now: datetime) -> DailyStatus:
        config = await self.store.config(guild_id)
        records = await self.store.posts(guild_id)
        sent = [r for r in records if r.status == "sent"]
        problems = [r for r in records if r.error and r.status in ("failed", "pending")]
        next_at = None
        if config is not None and config.enabled:
            next_at = next_post(config, now, {r.local_date for r in records if r.status != "pending"})
        return DailyStatus(config, next_at, sent[-1] if sent else None, problems[-1] if problems else None)

    async def preview_slug(self, guild_id: int) -> str | None:
        picked = await self.picker.peek(guild_id)
        return picked[0] if picked else None


def _unprepared(poster: Poster) -> Prepare:
    async def prepare(config: DailyConfig, day: date, slug: str) -> Send:
        return lambda: poster(config, day, slug)

    return prepare
