"""Term of the day: when each server is due, and which term it gets. No Discord here.

Rules:
- each server posts once per local calendar day, at its local time (DST-correct);
- a day missed while the bot was down is caught up within GRACE, otherwise skipped;
- no term repeats in a server until every eligible term has been posted (a cycle);
- the pick is a pure function of (server, cycle, pool), so tests can predict it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

GRACE = timedelta(hours=3)
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")


class PostRecordLike(Protocol):
    local_date: date
    status: str
    next_attempt_at: datetime | None


class ScheduleError(ValueError):
    """Bad user input; `key` names the i18n message to show."""

    def __init__(self, key: str, value: str):
        super().__init__(f"{key}: {value}")
        self.key = key
        self.value = value


def parse_time(text: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ScheduleError("daily.bad_time", text)
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ScheduleError("daily.bad_time", text)
    return time(hour, minute)


def parse_zone(name: str) -> ZoneInfo:
    name = name.strip()
    if name not in timezone_names():
        raise ScheduleError("daily.bad_timezone", name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("daily.bad_timezone", name) from None


_ZONES: tuple[str, ...] | None = None


def timezone_names() -> tuple[str, ...]:
    global _ZONES
    if _ZONES is None:
        _ZONES = tuple(sorted(available_timezones()))
    return _ZONES


def search_timezones(query: str, limit: int = 25) -> list[str]:
    """IANA names for autocomplete: prefix matches first, then substring ones."""
    q = query.strip().lower().replace(" ", "_")
    names = timezone_names()
    if not q:
        popular = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo", "Asia/Singapore",
                   "America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "UTC"]
        return [n for n in popular if n in names][:limit]
    starts = [n for n in names if n.lower().startswith(q) or n.lower().split("/")[-1].startswith(q)]
    contains = [n for n in names if q in n.lower() and n not in starts]
    return (starts + contains)[:limit]


@dataclass(frozen=True, slots=True)
class DailyConfig:
    guild_id: int
    channel_id: int
    post_time: time
    timezone: str
    active_since: datetime
    enabled: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def post_instant(self, local_day: date) -> datetime:
        """The moment to post for one local day. A time skipped by DST posts right after the gap."""
        naive = datetime.combine(local_day, self.post_time)
        aware = naive.replace(tzinfo=self.zone)  # fold=0: the first of two ambiguous times
        return aware.astimezone(ZoneInfo("UTC"))

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()


def due_day(config: DailyConfig, now: datetime, handled: set[date]) -> date | None:
    """The local day whose post is due right now, if any (yesterday's may still be in grace)."""
    today = config.local_date(now)
    for day in (today - timedelta(days=1), today):
        if day in handled:
            continue
        start = config.post_instant(day)
        if config.active_since <= start <= now < start + GRACE:
            return day
    return None


def missed_days(config: DailyConfig, now: datetime, handled: set[date], since: date) -> list[date]:
    """Days after `since` whose grace window has closed with no post: these are skipped."""
    today = config.local_date(now)
    out = []
    day = since + timedelta(days=1)
    while day <= today:
        start = config.post_instant(day)
        if day not in handled and start >= config.active_since and now >= start + GRACE:
            out.append(day)
        day += timedelta(days=1)
    return out


def next_post(config: DailyConfig, now: datetime, handled: set[date]) -> datetime:
    """When the next post will go out (now, if one is due)."""
    day = config.local_date(now) - timedelta(days=1)
    while True:
        start = config.post_instant(day)
        if day not in handled and start >= config.active_since and now < start + GRACE:
            return max(start, now)
        day += timedelta(days=1)


def rank(guild_id: int, cycle: int, slug: str) -> bytes:
    """A term's place in one server's cycle: a fixed shuffle, different per server and per cycle."""
    return hashlib.sha256(f"{guild_id}:{cycle}:{slug}".encode()).digest()


def pick_term(guild_id: int, pool: Iterable[str], posted_by_cycle: dict[int, set[str]]) -> tuple[str, int] | None:
    """(slug, cycle) for the next post: a term not yet posted in the current cycle.

    Terms added later join the current cycle; removed terms simply drop out of `pool`.
    """
    pool = set(pool)
    if not pool:
        return None
    cycle = max(posted_by_cycle, default=0)
    remaining = pool - posted_by_cycle.get(cycle, set())
    if not remaining:
        cycle += 1
        remaining = pool
    return min(remaining, key=lambda slug: rank(guild_id, cycle, slug)), cycle


def next_check(config: DailyConfig, now: datetime, records: Iterable[PostRecordLike]) -> datetime:
    """When the scheduler next has to look at this server, given its recent records.

    The next post time, or sooner: a pending claim is resent now, retried at its backoff time,
    and settled when its grace window closes.
    """
    records = list(records)
    waiting = {r.local_date for r in records if r.status != "pending" or r.next_attempt_at is not None}
    times = [next_post(config, now, waiting)]
    for r in records:
        if r.status == "pending":
            times.append(r.next_attempt_at or now)
            times.append(config.post_instant(r.local_date) + GRACE)
    return min(times)


def retry_delay(attempts: int) -> timedelta:
    return RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1] if attempts else RETRY_BACKOFF[0]


def nonce_for(guild_id: int, day: date) -> str:
    """Discord drops a second message with the same nonce, so a resend after a crash cannot double-post."""
    return "d" + hashlib.sha1(f"{guild_id}:{day.isoformat()}".encode()).hexdigest()[:24]
