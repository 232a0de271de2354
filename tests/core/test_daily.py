"""Term-of-the-day rules, tested directly with a settable clock (no Discord)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.daily import (
    GRACE,
    DailyConfig,
    ScheduleError,
    due_day,
    missed_days,
    next_post,
    parse_time,
    parse_zone,
    pick_term,
    search_timezones,
)
from bot.core.daily_service import DailyService, PostFailedTemporarily, PostRejected
from bot.core.daily_store import DailyStore
from bot.core.db import open_database
from tests.support.postgres import BACKENDS

START = datetime(2026, 3, 1, tzinfo=UTC)


def config(tz="Asia/Shanghai", at=time(9, 0), since=START) -> DailyConfig:
    return DailyConfig(1, 10, at, tz, active_since=since)


@pytest.mark.parametrize("text", ["25:00", "9", "09:60", "nine", "", "-1:00"])
def test_daily_bad_times_are_refused(text):
    with pytest.raises(ScheduleError):
        parse_time(text)


def test_daily_times_and_zones_parse():
    assert parse_time("9:05") == time(9, 5) and parse_time("09：30") == time(9, 30)
    assert parse_zone("America/New_York").key == "America/New_York"
    with pytest.raises(ScheduleError):
        parse_zone("Mars/Olympus_Mons")


def test_daily_timezone_autocomplete():
    assert search_timezones("shang")[0] == "Asia/Shanghai"
    assert "America/New_York" in search_timezones("new_y")
    assert len(search_timezones("a")) == 25
    assert search_timezones("")[0] == "Asia/Shanghai"


def test_daily_post_instant_follows_dst_in_new_york():
    ny = config("America/New_York")
    assert ny.post_instant(date(2026, 3, 7)).hour == 14   # EST, UTC-5
    assert ny.post_instant(date(2026, 3, 8)).hour == 13   # DST starts that night: EDT, UTC-4
    assert ny.post_instant(date(2026, 10, 31)).hour == 13
    assert ny.post_instant(date(2026, 11, 1)).hour == 14  # back to EST
    gap = config("America/New_York", at=time(2, 30))      # 02:30 does not exist on 2026-03-08
    assert gap.post_instant(date(2026, 3, 8)).astimezone(gap.zone).hour == 3


def test_daily_due_inside_grace_then_missed_after():
    c = config()
    day = date(2026, 3, 2)
    at = c.post_instant(day)
    assert due_day(c, at - timedelta(minutes=1), set()) is None
    assert due_day(c, at, set()) == day
    assert due_day(c, at + GRACE - timedelta(minutes=1), set()) == day
    assert due_day(c, at + GRACE, set()) is None
    assert due_day(c, at, {day}) is None
    assert missed_days(c, at + GRACE, set(), since=date(2026, 3, 1)) == [day]


def test_daily_late_evening_post_catches_up_after_midnight():
    c = config(at=time(23, 30))
    after_midnight = c.post_instant(date(2026, 3, 2)) + timedelta(hours=1)
    assert c.local_date(after_midnight) == date(2026, 3, 3)
    assert due_day(c, after_midnight, set()) == date(2026, 3, 2)


def test_daily_days_before_setup_are_not_owed():
    c = config(since=datetime(2026, 3, 2, 3, 0, tzinfo=UTC))  # 11:00 in Shanghai, after today's 09:00
    assert due_day(c, c.active_since, set()) is None
    assert next_post(c, c.active_since, set()) == c.post_instant(date(2026, 3, 3))


def test_daily_pick_is_deterministic_and_never_repeats_within_a_cycle():
    pool = {f"t{i}" for i in range(7)}
    posted: dict[int, set[str]] = {}
    seen = []
    for _ in range(7):
        slug, cycle = pick_term(42, pool, posted)
        assert cycle == 0
        posted.setdefault(cycle, set()).add(slug)
        seen.append(slug)
    assert sorted(seen) == sorted(pool)
    assert pick_term(42, pool, posted)[1] == 1  # the pool is used up: a new cycle starts
    assert pick_term(42, pool, {}) == pick_term(42, pool, {})


def test_daily_new_terms_join_and_removed_terms_leave_the_pool():
    posted = {0: {"a", "b"}}
    assert pick_term(1, {"a", "b", "c"}, posted) == ("c", 0)
    assert pick_term(1, {"a", "b"}, posted)[1] == 1


class Recorder:
    """Stands in for Discord at the core boundary: records posts, or fails as told."""

    def __init__(self):
        self.posts: list[tuple[int, date, str]] = []
        self.fail_with: Exception | None = None

    async def __call__(self, cfg, day, slug):
        if self.fail_with is not None:
            raise self.fail_with
        self.posts.append((cfg.guild_id, day, slug))
        return len(self.posts)


@pytest.fixture(params=BACKENDS)
async def service(request, tmp_path):
    """The daily service on each backend ([sqlite], [postgres])."""
    target = tmp_path / "d.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    db = await open_database(target)
    recorder = Recorder()
    svc = DailyService(DailyStore(db), lambda guild_id: {"a", "b", "c"}, recorder)
    svc.recorder = recorder
    yield svc
    await db.close()


async def test_daily_ticks_post_once_and_record_status(service):
    c = config()
    await service.store.configure(c)
    at = c.post_instant(date(2026, 3, 1))
    for minutes in (0, 1, 30, 90):
        await service.tick(at + timedelta(minutes=minutes))
    assert len(service.recorder.posts) == 1
    status = await service.status(1, at + timedelta(hours=1))
    assert status.last_sent.local_date == date(2026, 3, 1)
    assert status.next_post_at == c.post_instant(date(2026, 3, 2))


async def test_daily_rejected_post_is_recorded_and_tried_next_day(service):
    c = config()
    await service.store.configure(c)
    service.recorder.fail_with = PostRejected("403 Missing Permissions")
    day1 = c.post_instant(date(2026, 3, 1))
    await service.tick(day1)
    await service.tick(day1 + timedelta(minutes=30))  # no retry storm
    status = await service.status(1, day1 + timedelta(hours=1))
    assert "403" in status.last_problem.error and status.last_sent is None
    service.recorder.fail_with = None
    await service.tick(c.post_instant(date(2026, 3, 2)))
    assert [p[1] for p in service.recorder.posts] == [date(2026, 3, 2)]


async def test_daily_server_errors_back_off_and_retry_within_the_day(service):
    c = config()
    await service.store.configure(c)
    at = c.post_instant(date(2026, 3, 1))
    service.recorder.fail_with = PostFailedTemporarily("503")
    await service.tick(at)
    service.recorder.fail_with = None
    await service.tick(at + timedelta(seconds=10))  # still backing off
    assert service.recorder.posts == []
    await service.tick(at + timedelta(minutes=5))
    assert len(service.recorder.posts) == 1
    (record,) = await service.store.posts(1)
    assert record.status == "sent" and record.attempts == 2


async def test_daily_claim_is_exactly_once_across_two_connections(service, tmp_path):
    """Two processes that wrongly run one shard both try to claim a day: the database picks one."""
    import asyncio

    other = DailyStore(await open_database(service.store.db.path or service.store.db.url))
    try:
        day = date(2026, 3, 1)
        results = await asyncio.gather(*(store.claim(1, day, "a", 0) for store in (service.store, other) * 3))
        assert sorted(results) == [False] * 5 + [True]
        (record,) = await other.posts(1)
        assert (record.local_date, record.status) == (day, "pending")
    finally:
        await other.db.close()
