"""The term-of-the-day loop body: one tick looks at every server and posts what is due.

Exactly once per server per local day:
- a day is claimed in SQLite (primary key) before anything is sent, so two ticks or two
  runs can never both post it;
- the send carries a nonce derived from (server, day); Discord drops a repeat of it, so
  re-sending a claimed-but-unconfirmed post after a crash cannot double-post;
- a day that fails for good (403, deleted channel) is recorded and not retried; the next
  day is tried as usual. Server errors are retried with backoff inside the grace window.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.daily import GRACE, DailyConfig, due_day, missed_days, next_post, pick_term, retry_delay
from bot.core.daily_store import DailyStore, PostRecord

log = logging.getLogger(__name__)


class PostRejected(Exception):
    """Permanent: the channel is gone or the bot may not post there. Give up for today."""


class PostFailedTemporarily(Exception):
    """Transient (Discord 5xx): try again later today."""


# (config, local day, term slug) → id of the message that was posted
Poster = Callable[[DailyConfig, date, str], Awaitable[int]]
Pool = Callable[[int], set[str]]


@dataclass(frozen=True, slots=True)
class DailyStatus:
    config: DailyConfig | None
    next_post_at: datetime | None
    last_sent: PostRecord | None
    last_problem: PostRecord | None


class DailyService:
    def __init__(self, store: DailyStore, pool: Pool, poster: Poster, owns: Callable[[int], bool] = lambda g: True):
        self.store = store
        self.pool = pool
        self.poster = poster
        self.owns = owns  # is the server on one of this process's shards? (shards.py)

    async def tick(self, now: datetime) -> None:
        for config in await self.store.enabled_configs():
            if not self.owns(config.guild_id):
                continue
            try:
                await self.run_guild(config, now)
            except Exception:  # one broken server must not stop the others
                log.exception("daily post for guild %s failed", config.guild_id)

    async def run_guild(self, config: DailyConfig, now: datetime) -> None:
        records = await self.store.posts(config.guild_id)
        by_day = {r.local_date: r for r in records}
        for record in records:
            if record.status == "pending" and now >= config.post_instant(record.local_date) + GRACE:
                if record.error:  # server errors until the window closed: nothing was shown
                    await self.store.finish(config.guild_id, record.local_date, status="failed", error=record.error)
                else:  # claimed, then a crash before confirmation: it may have gone out, so its term counts as used
                    await self.store.finish(config.guild_id, record.local_date, status="unknown")
        since = max(by_day, default=config.local_date(config.active_since) - timedelta(days=1))
        for day in missed_days(config, now, set(by_day), since):
            log.warning("guild %s: skipped the %s post (bot was offline past the grace window)",
                        config.guild_id, day)
            await self.store.skip(config.guild_id, day, "offline past the grace window")

        settled = {d for d, r in by_day.items() if r.status != "pending"}
        day = due_day(config, now, settled)
        if day is None:
            return
        record = by_day.get(day)
        if record is None:
            picked = pick_term(config.guild_id, self.pool(config.guild_id), _posted_by_cycle(records))
            if picked is None:
                return
            slug, cycle = picked
            if not await self.store.claim(config.guild_id, day, slug, cycle):
                return
        elif record.next_attempt_at is not None and record.next_attempt_at > now:
            return  # backing off after a server error
        else:
            slug = record.slug  # a retry, or a claim a crash left unconfirmed: same term, same nonce
        await self._send(config, day, slug, now, attempts=record.attempts if record else 0)

    async def _send(self, config: DailyConfig, day: date, slug: str, now: datetime, *, attempts: int) -> None:
        try:
            message_id = await self.poster(config, day, slug)
        except PostRejected as exc:
            log.warning("guild %s: daily post rejected: %s", config.guild_id, exc)
            await self.store.finish(config.guild_id, day, status="failed", error=str(exc))
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
        picked = pick_term(guild_id, self.pool(guild_id), _posted_by_cycle(await self.store.posts(guild_id)))
        return picked[0] if picked else None


def _posted_by_cycle(records: list[PostRecord]) -> dict[int, set[str]]:
    """Terms already shown per cycle; a failed or skipped day showed nothing."""
    out: dict[int, set[str]] = {}
    for r in records:
        if r.status in ("sent", "pending", "unknown") and r.cycle >= 0:
            out.setdefault(r.cycle, set()).add(r.slug)
    return out
